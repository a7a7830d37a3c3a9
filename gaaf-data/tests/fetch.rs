//! The download logic (feature `fetch`) against a loopback HTTP server on
//! 127.0.0.1: fresh download, resume with `Range`, checksum failure, and a
//! fast failure when nothing answers.

use gaaf_data::fetch::{download, Checksum, FetchOptions};
use gaaf_data::{hex, Error};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Serves `body` to at most `requests` connections; records each Range header.
fn serve(body: Vec<u8>, requests: usize) -> (String, Arc<Mutex<Vec<Option<String>>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/file.bin", listener.local_addr().unwrap());
    let ranges = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&ranges);
    std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut range = None;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("range: bytes=") {
                    range = Some(v.trim().trim_end_matches('-').to_owned());
                }
            }
            seen.lock().unwrap().push(range.clone());
            let start: usize = range.as_deref().map_or(0, |r| r.parse().unwrap());
            let (status, part) = if start > 0 {
                ("206 Partial Content", &body[start..])
            } else {
                ("200 OK", &body[..])
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                part.len()
            );
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(part).unwrap();
        }
    });
    (url, ranges)
}

fn quiet() -> FetchOptions {
    FetchOptions {
        progress: false,
        connect_timeout: Duration::from_secs(2),
        ..Default::default()
    }
}

fn body() -> (Vec<u8>, String) {
    let body: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let sha = hex(&Sha256::digest(&body));
    (body, sha)
}

#[test]
fn downloads_verifies_and_renames() {
    let (body, sha) = body();
    let (url, ranges) = serve(body.clone(), 1);
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("sub/file.bin");
    download(&url, &dest, Checksum::Sha256(&sha), &quiet()).unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    assert!(!tmp.path().join("sub/file.bin.part").exists());
    assert_eq!(*ranges.lock().unwrap(), [None]);
    // Present and valid: no request at all (the server would refuse a second).
    download(&url, &dest, Checksum::Sha256(&sha), &quiet()).unwrap();
}

#[test]
fn resumes_a_partial_download() {
    let (body, sha) = body();
    let (url, ranges) = serve(body.clone(), 1);
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("file.bin");
    std::fs::write(tmp.path().join("file.bin.part"), &body[..40_000]).unwrap();
    download(&url, &dest, Checksum::Sha256(&sha), &quiet()).unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    assert_eq!(*ranges.lock().unwrap(), [Some("40000".to_owned())]);
}

#[test]
fn checksum_mismatch_leaves_nothing() {
    let (body, _) = body();
    let (url, _) = serve(body, 1);
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("file.bin");
    let wrong = "0".repeat(64);
    let err = download(&url, &dest, Checksum::Sha256(&wrong), &quiet()).unwrap_err();
    assert!(matches!(err, Error::ChecksumMismatch { .. }), "{err}");
    assert!(!dest.exists());
    assert!(!tmp.path().join("file.bin.part").exists());
}

#[test]
fn unreachable_host_fails_fast() {
    // Bind then drop: nothing listens on this loopback port.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let tmp = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let err = download(
        &format!("http://127.0.0.1:{port}/x"),
        &tmp.path().join("x"),
        Checksum::Md5("00"),
        &quiet(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Network { .. }), "{err}");
    assert!(start.elapsed() < Duration::from_secs(5));
}
