# The reference reader of `cargo xtask bench prefill`: ZXing C++ (PyPI zxing-cpp) reading
# the same licence back, timed in-process around decode and read as prefill_bench is.
import io, json, sys, time
import zxingcpp
from PIL import Image
path, runs = sys.argv[1], int(sys.argv[2])
data = open(path, "rb").read()
times = []
found = 0
for _ in range(runs):
    t = time.perf_counter()
    image = Image.open(io.BytesIO(data))
    image.load()
    found = len(zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.PDF417))
    times.append((time.perf_counter() - t) * 1000)
times.sort()
print(json.dumps({"median_ms": round(times[len(times)//2], 2), "best_ms": round(times[0], 2), "found": found, "version": getattr(zxingcpp, "__version__", "")}))
