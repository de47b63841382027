//! The reader's frames and messages, without a process: what the parent sends is what the
//! reader reads, each answer comes back as it left, and a broken stream is an error that
//! allocates nothing for a length it was merely told. The process itself is exercised by
//! the CLI's and the app's tests, which opt in (`crates/cli/tests/reader.rs`).

#![allow(clippy::unwrap_used)]

use super::*;
use crate::report::{Format, Step};

fn round_trip(reply: &Reply) -> Reply {
    let mut stream = Vec::new();
    send(&mut stream, reply).unwrap();
    let frame = read_frame(&mut stream.as_slice()).unwrap();
    postcard::from_bytes(&frame).unwrap()
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
    });
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(image)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    bytes
}

#[test]
fn a_checked_scan_comes_back_from_the_reader_as_it_was_made() {
    let bytes = jpeg(1400, 900);
    let cfg = CheckConfig::default();
    let made = |bytes: &[u8]| {
        let input = Input::from_bytes(bytes, &cfg);
        let job = pipeline::Job {
            quarter_turns: 1,
            thumbnail: true,
        };
        pipeline::run(input, &cfg, job, &mut |_| {})
    };
    let Reply::Done(Ok(Answer::Pipeline(back))) =
        round_trip(&Reply::Done(Ok(Answer::Pipeline(Box::new(made(&bytes))))))
    else {
        panic!("another reply")
    };
    let here = made(&bytes).into_normalised().unwrap();
    let back = back.into_normalised().unwrap();
    // The report's plan is a tagged enum (carried as JSON text): it must survive too.
    assert!(back
        .report
        .plan
        .iter()
        .any(|step| matches!(step, Step::Rotate { .. })));
    assert_eq!(back.report, here.report);
    assert_eq!(back.bytes, here.bytes);
    assert_eq!(back.mime, "image/jpeg");
    assert_eq!(back.thumbnail_jpeg, here.thumbnail_jpeg);
    assert_eq!((back.width, back.height), (Some(900), Some(1400)));
}

#[test]
fn a_refusal_comes_back_as_the_same_error() {
    let refusals = [
        Error::Truncated {
            format: Format::Png,
        },
        Error::TooManyPixels {
            width: 20_000,
            height: 20_000,
            max_dimension: 12_000,
            max_pixels: 100_000_000,
        },
        Error::EncryptedPdf,
    ];
    for refusal in refusals {
        let said = refusal.to_string();
        let Reply::Done(Err(back)) = round_trip(&Reply::Done(Err(refusal))) else {
            panic!("another reply")
        };
        assert_eq!(back.to_string(), said);
    }
}

#[test]
fn a_viewer_picture_keeps_its_type_as_the_crates_constant() {
    let picture = Picture {
        bytes: vec![0xFF, 0xD8, 0xFF, 0xD9],
        mime: "image/png",
        width: 3,
        height: 2,
    };
    let Reply::Done(Ok(Answer::Picture(back))) =
        round_trip(&Reply::Done(Ok(Answer::Picture(picture.clone()))))
    else {
        panic!("another reply")
    };
    assert_eq!(back, picture);
    assert_eq!(static_mime::known("text/html"), None);
}

#[test]
fn the_preview_arrives_before_the_answer() {
    let cfg = CheckConfig::default();
    let input = Input::from_bytes(&jpeg(1200, 800), &cfg);
    let mut previews = 0;
    let mut stream = Vec::new();
    {
        let mut out = &mut stream;
        let mut preview = |p: &Preview<'_>| {
            let reply = Reply::Preview {
                report: Box::new(p.report.clone()),
                thumbnail_jpeg: p.thumbnail_jpeg.map(<[u8]>::to_vec),
            };
            send(&mut out, &reply).unwrap();
        };
        let job = pipeline::Job {
            quarter_turns: 0,
            thumbnail: true,
        };
        let run = pipeline::run(input, &cfg, job, &mut preview);
        send(
            &mut stream,
            &Reply::Done(Ok(Answer::Pipeline(Box::new(run)))),
        )
        .unwrap();
    }
    let answer = read_answers(stream.as_slice(), &mut |p| {
        previews += 1;
        assert!(p
            .thumbnail_jpeg
            .is_some_and(|t| t.starts_with(&[0xFF, 0xD8])));
        assert_eq!(p.report.width, Some(1200));
    })
    .unwrap();
    assert_eq!(previews, 1);
    assert!(matches!(answer, Ok(Answer::Pipeline(_))));
}

#[test]
fn a_stream_that_ends_early_or_lies_about_a_length_is_an_error() {
    let mut stream = Vec::new();
    send(
        &mut stream,
        &Reply::Done(Ok(Answer::Mrz(MrzRead::NotFound))),
    )
    .unwrap();
    // Cut inside the frame: the reader died while writing.
    let cut = &stream[..stream.len() - 1];
    assert_eq!(
        read_frame(&mut &cut[..]).unwrap_err().kind(),
        io::ErrorKind::UnexpectedEof
    );
    // Nothing at all: the reader died before answering.
    assert!(read_answers(&[][..], &mut |_| {}).is_err());
    // A length past the limit is refused before anything is read or reserved for it.
    let huge = (MAX_FRAME_BYTES + 1).to_le_bytes();
    let refused = read_frame(&mut &huge[..]).unwrap_err();
    assert_eq!(refused.kind(), io::ErrorKind::InvalidData);
    // And a frame that is not a reply.
    let mut garbage = Vec::new();
    write_frame(&mut garbage, &[0xEE; 16]).unwrap();
    assert!(read_answers(garbage.as_slice(), &mut |_| {}).is_err());
}

#[test]
fn a_job_is_read_back_by_the_reader_borrowing_its_bytes() {
    let bytes = jpeg(64, 48);
    let cfg = CheckConfig {
        max_pixels: 1234,
        ..CheckConfig::default()
    };
    let job = Job::Pdf417 {
        bytes: &bytes,
        cfg: Cow::Borrowed(&cfg),
    };
    let frame = postcard::to_stdvec(&job).unwrap();
    let Job::Pdf417 {
        bytes: read,
        cfg: read_cfg,
    } = postcard::from_bytes(&frame).unwrap()
    else {
        panic!("another job")
    };
    assert_eq!(read, &bytes[..]);
    assert_eq!(read_cfg.into_owned(), cfg);
}

/// A request framed as `ask` frames it, from a program of `version`.
fn request(version: &str, job: &Job<'_>) -> Vec<u8> {
    let mut stream = Vec::new();
    write_frame(&mut stream, &postcard::to_stdvec(&(version, job)).unwrap()).unwrap();
    stream
}

/// A job whose answer the tests below do not look at.
fn small_view(bytes: &[u8]) -> Job<'_> {
    Job::ViewPicture {
        bytes,
        max_long_side: 32,
    }
}

#[test]
fn the_reader_answers_a_request_of_its_own_version() {
    let bytes = jpeg(900, 600);
    let job = Job::ViewPicture {
        bytes: &bytes,
        max_long_side: 300,
    };
    let mut answer = Vec::new();
    let code = serve_on(&mut request(VERSION, &job).as_slice(), &mut answer);
    assert_eq!(code, ExitCode::SUCCESS);
    let Ok(Answer::Picture(picture)) = read_answers(answer.as_slice(), &mut |_| {}).unwrap() else {
        panic!("no picture")
    };
    assert_eq!((picture.width, picture.height), (300, 200));
}

#[test]
fn the_reader_reads_no_job_from_another_version() {
    let bytes = jpeg(64, 48);
    let job = small_view(&bytes);
    let mut answer = Vec::new();
    let code = serve_on(&mut request("0.0.0-older", &job).as_slice(), &mut answer);
    assert_eq!(code, ExitCode::from(OTHER_VERSION_EXIT));
    assert!(answer.is_empty(), "nothing read, nothing answered");
}

#[test]
fn a_reader_that_is_not_installed_is_said_to_be_missing() {
    let missing = std::env::temp_dir().join("no-such-folder-here/branchdesk-reader");
    let bytes = jpeg(64, 48);
    let job = small_view(&bytes);
    let Err(Error::ReaderMissing { path }) = ask(&missing, &job, &mut |_| {}) else {
        panic!("not refused as missing")
    };
    assert_eq!(path, missing.display().to_string());
}

/// A real process in the reader's place, answering as a reader of another version does.
#[cfg(unix)]
#[test]
fn a_reader_of_another_version_says_to_restart_the_app() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let reader = dir.path().join("branchdesk-reader");
    std::fs::write(
        &reader,
        format!("#!/bin/sh\ncat >/dev/null\nprintf 9.9.9 >&2\nexit {OTHER_VERSION_EXIT}\n"),
    )
    .unwrap();
    std::fs::set_permissions(&reader, std::fs::Permissions::from_mode(0o755)).unwrap();
    let bytes = jpeg(64, 48);
    let job = small_view(&bytes);
    let Err(refused) = ask(&reader, &job, &mut |_| {}) else {
        panic!("answered")
    };
    assert_eq!(refused.code(), "reader_other_version");
    let said = refused.to_string();
    assert!(said.contains("version 9.9.9"), "{said}");
    assert!(
        said.contains(&format!("this Branchdesk is {VERSION}")),
        "{said}"
    );
    assert!(
        said.contains("Close Branchdesk and start it again"),
        "{said}"
    );
}
