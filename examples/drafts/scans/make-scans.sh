#!/bin/sh
# Regenerates the specimen scans beside it. They are drawn, not photographed: flat colours
# and crisp type keep them small and pass the blur, light and glare checks, so importing the
# example drafts needs no warning kept by hand.
#
# What a fresh machine needs (Debian/Ubuntu names):
#   imagemagick (6), fonts-dejavu-core, fonts-ocr-b (the passport's machine-readable zone is
#   set in OCR-B, as ICAO 9303 asks), python3 and python3-venv; and PyPI reachable once:
#   the licence backs' PDF417 barcodes are encoded by pdf417gen, installed into a throwaway
#   virtualenv.
#
# The documents carry what the example drafts say: dl-back.jpg and dl2-back.jpg a PDF417
# barcode with an AAMVA (version 10) payload for fin-drivers-licence.json / the BVNK company's
# two associates, passport.jpg a TD3 zone with right check digits for fin-passport.json.
# Check them with: cargo run -p branchdesk-cli -- scan read dl-back.jpg dl2-back.jpg passport.jpg
set -eu
cd "$(dirname "$0")"

OCRB=/usr/share/fonts/opentype/ocr-b/OCRB.otf
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet 'pdf417gen==0.8.1' 'pillow>=10'

card() { # out title colour: the common card: tinted ground, border, guilloche lines
  convert -size 1200x800 "xc:$3" \
    -stroke '#8aa0b8' -strokewidth 2 -fill none \
    -draw 'path "M 0,700 C 300,600 900,800 1200,690"' \
    -draw 'path "M 0,740 C 300,640 900,840 1200,730"' \
    -draw 'path "M 0,780 C 300,680 900,880 1200,770"' \
    -stroke '#1d3557' -strokewidth 8 -draw 'rectangle 12,12 1188,788' \
    -stroke none -fill '#1d3557' -draw 'rectangle 12,12 1188,120' \
    -font DejaVu-Sans-Bold -pointsize 46 -fill white -annotate +40+88 "$2" \
    -font DejaVu-Sans-Bold -pointsize 30 -fill '#b00020' -annotate +820+770 'SPECIMEN' \
    "$1"
}

portrait() { # in: a drawn head-and-shoulders in a frame at 50,160
  convert "$1" \
    -fill '#9fb3c8' -stroke '#1d3557' -strokewidth 4 -draw 'rectangle 50,160 370,600' \
    -fill '#5c4033' -stroke black -strokewidth 3 -draw 'circle 210,320 210,230' \
    -fill '#3a506b' -draw 'ellipse 210,560 130,110 180,360' \
    "$1"
}

fields() { # in x y line…: dark type, one line every 56 px
  file=$1 x=$2 y=$3; shift 3
  for line in "$@"; do
    convert "$file" -font DejaVu-Sans-Mono-Bold -pointsize 36 -fill '#111111' \
      -annotate "+$x+$y" "$line" "$file"
    y=$((y + 56))
  done
}

aamva() { # in y iin element…: a licence's PDF417 barcode, AAMVA version 10, one DL subfile,
  # 13 data columns, error correction level 5, 3 px a module, rows 3 modules high, centred
  file=$1 y=$2 iin=$3; shift 3
  "$venv/bin/python" - "$file.pdf417.png" "$iin" "$@" <<'PY'
import sys
from pdf417gen import encode, render_image
out, iin, elements = sys.argv[1], sys.argv[2], sys.argv[3:]
body = "DL" + "".join(e + ("\r" if i == len(elements) - 1 else "\n") for i, e in enumerate(elements))
# Compliance indicator, separators, file type, issuer, AAMVA version 10, jurisdiction
# version 00, one entry; the subfile starts after the 31 characters of this header.
header = f"@\n\x1e\rANSI {iin}100001DL0031{len(body):04d}"
render_image(encode(header + body, columns=13, security_level=5), scale=3, ratio=3,
             padding=0).save(out)
PY
  convert "$file" "$file.pdf417.png" -gravity north -geometry "+0+$y" -composite "$file"
  rm "$file.pdf417.png"
}

barcode() { # in y: black bars of varied width
  file=$1 y=$2 x=60 i=0 draw=''
  while [ $x -lt 1140 ]; do
    w=$(( (i * 7 % 5) + 3 ))
    draw="$draw rectangle $x,$y $((x + w)),$((y + 150))"
    x=$((x + w + (i * 3 % 4) + 4)); i=$((i + 1))
  done
  convert "$file" -fill black -stroke none -draw "$draw" "$file"
}

# Rhode Island driver's licence, front and back.
card dl-front.png 'RHODE ISLAND  DRIVER LICENSE' '#d7e3ee'
portrait dl-front.png
fields dl-front.png 420 200 'DL  W3021987' 'LN  WHITFIELD' 'FN  DANA MARIE' 'DOB 1986-02-11' \
  'ISS 2022-05-03' 'EXP 2030-02-11' '45 BENEFIT ST' 'PROVIDENCE RI 02903'
card dl-back.png 'RHODE ISLAND  DRIVER LICENSE' '#d7e3ee'
aamva dl-back.png 160 636052 DAQW3021987 DCSWHITFIELD DDEN DACDANA DDFN DADMARIE DDGN \
  DCAD DCBNONE DCDNONE DBD05032022 DBB02111986 DBA02112030 DBC2 'DAU066 IN' DAYBLU \
  'DAG45 BENEFIT STREET' DAIPROVIDENCE DAJRI 'DAK029030000  ' DCF20220503RI0147 DCGUSA
fields dl-back.png 60 460 'CLASS D   END NONE   REST NONE' 'DD 20220503RI0147' \
  'ORGAN DONOR  NO' 'VETERAN  NO'

# A second licence, California's, for the BVNK company example's other associate.
card dl2-front.png 'CALIFORNIA  DRIVER LICENSE' '#e8e0cc'
portrait dl2-front.png
fields dl2-front.png 420 200 'DL  D5520173' 'LN  OKONKWO' 'FN  ADAEZE' 'DOB 1979-03-22' \
  'ISS 2023-03-22' 'EXP 2031-03-22' '88 HARBOR WAY' 'OAKLAND CA 94607'
card dl2-back.png 'CALIFORNIA  DRIVER LICENSE' '#e8e0cc'
aamva dl2-back.png 160 636014 DAQD5520173 DCSOKONKWO DDEN DACADAEZE DDFN DADNONE DDGN \
  DCAC DCBNONE DCDNONE DBD03222023 DBB03221979 DBA03222031 DBC2 'DAU065 IN' DAYBRO \
  'DAG88 HARBOR WAY' DAIOAKLAND DAJCA 'DAK946070000  ' DCF20230322CA0588 DCGUSA
fields dl2-back.png 60 460 'CLASS C   END NONE   REST NONE' 'DD 20230322CA0588'

# US passport photo page, and the customer's selfie.
card passport.png 'UNITED STATES OF AMERICA  PASSPORT' '#dde3d0'
portrait passport.png
fields passport.png 420 200 'TYPE P   CODE USA' 'NO  584736291' 'SURNAME  OKAFOR' \
  'GIVEN  SAMUEL ADE' 'DOB 1979-09-30' 'ISS 2021-08-17' 'EXP 2031-08-16'
# The zone (TD3) on a clear band: OCR-B, one character every 2.54 mm and lines 4.23 mm
# apart on a 125 mm page 1200 px wide (24.4 px and 40.6 px; OCR-B advances 0.723 em). Check
# digits: number 9, birth 8, expiry 9, empty personal number <, composite 8.
convert passport.png -stroke none -fill '#f3f5ec' -draw 'rectangle 16,628 1184,784' \
  -font "$OCRB" -pointsize 33.7 -fill '#111111' \
  -annotate +64+700 'P<USAOKAFOR<<SAMUEL<ADE<<<<<<<<<<<<<<<<<<<<<' \
  -annotate +64+741 '5847362919USA7909308M3108169<<<<<<<<<<<<<<<8' passport.png
convert -size 1200x800 'xc:#b8c4a8' \
  -fill '#6b8e23' -stroke '#223311' -strokewidth 4 -draw 'rectangle 0,520 1200,800' \
  -fill '#5c4033' -stroke black -strokewidth 4 -draw 'circle 600,330 600,170' \
  -fill white -draw 'circle 545,300 545,280' -draw 'circle 655,300 655,280' \
  -fill black -draw 'circle 545,300 545,290' -draw 'circle 655,300 655,290' \
  -fill none -strokewidth 8 -draw 'arc 530,340 670,420 20,160' \
  -fill '#3a506b' -strokewidth 4 -draw 'ellipse 600,800 300,300 180,360' \
  -font DejaVu-Sans-Bold -pointsize 30 -fill '#b00020' -stroke none \
  -annotate +40+60 'SPECIMEN SELFIE  SAMUEL OKAFOR' selfie.png

# Mexican national id (INE), front and back.
card id-front.png 'MEXICO  CREDENCIAL PARA VOTAR' '#e6dcea'
portrait id-front.png
fields id-front.png 420 200 'NOMBRE' 'RAMIREZ SOTO' 'LUCIA' 'CLAVE RASL900725MDFMTC08' \
  'EMISION 2023-01-20' 'VIGENCIA 2033-01-20' 'NO  IDMEX2841736'
card id-back.png 'MEXICO  CREDENCIAL PARA VOTAR' '#e6dcea'
barcode id-back.png 180
convert id-back.png -font DejaVu-Sans-Mono-Bold -pointsize 34 -fill '#111111' \
  -annotate +40+430 'IDMEX2841736<<0147239845612' \
  -annotate +40+480 '9007254M3301209MEX<02<<12345<4' \
  -annotate +40+530 'RAMIREZ<SOTO<<LUCIA<<<<<<<<<<<' id-back.png

for f in dl-front dl-back dl2-front dl2-back passport id-front id-back selfie; do
  convert $f.png -strip -quality 85 $f.jpg && rm $f.png
done

# One-page proofs of address: plain PDF text, written by hand so each is a few hundred bytes.
pdf() { # out line…
  out=$1; shift
  python3 - "$out" "$@" <<'PY'
import sys
out, lines = sys.argv[1], sys.argv[2:]
esc = lambda s: s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
text = "BT /F1 14 Tf 72 720 Td 20 TL " + " ".join(f"({esc(l)}) '" for l in lines) + " ET"
objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
    "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
    f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
]
body, offsets = b"%PDF-1.4\n", []
for n, obj in enumerate(objects, 1):
    offsets.append(len(body))
    body += f"{n} 0 obj\n{obj}\nendobj\n".encode()
xref = len(body)
body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
body += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
open(out, "wb").write(body)
PY
}

pdf utility-bill.pdf 'NARRAGANSETT ELECTRIC  -  SPECIMEN' '' 'Statement date: 2026-10-05' \
  'Account: 4471 0093 22' '' 'DANA M WHITFIELD' '45 BENEFIT STREET' 'PROVIDENCE RI 02903' '' \
  'Electricity, 2026-09-01 to 2026-09-30: 612 kWh' 'Amount due: USD 94.18'
pdf bank-statement.pdf 'FIRST OCEAN BANK  -  SPECIMEN' '' 'Statement date: 2026-10-31' \
  'Account ending 7731' '' 'SAMUEL A OKAFOR' '2200 OCEAN AVENUE APT 12' 'BROOKLYN NY 11229' '' \
  'Opening balance: USD 3,120.44' 'Closing balance: USD 2,871.90'
pdf certificate-of-incorporation.pdf 'STATE OF DELAWARE  -  SPECIMEN' '' \
  'CERTIFICATE OF INCORPORATION' '' 'HARBOR ROAST COMPANY' 'File number: 7741290' \
  'Incorporated: 2019-06-03' '' 'Registered office: 88 Harbor Way, Oakland CA 94607'
pdf government-letter.pdf 'COUNTY OF LOS ANGELES  -  SPECIMEN' '' 'Date: 2026-09-14' '' \
  'LUCIA RAMIREZ SOTO' '1810 W SUNSET BLVD' 'LOS ANGELES CA 90026' '' \
  'Your property tax assessment notice for 2026-2027 is enclosed.'
