//! Whether the provider in use can be reached: a TCP connection to its host, with a short
//! timeout. It answers "can we talk to the provider", which is what staff care about,
//! rather than "is there some network".

use std::time::Duration;

use tokio::net::TcpStream;

const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

pub async fn reachable(base_url: &str) -> bool {
    let Ok(url) = url::Url::parse(base_url) else {
        return false;
    };
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    matches!(
        tokio::time::timeout(PROBE_TIMEOUT, TcpStream::connect((host, port))).await,
        Ok(Ok(_))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_listening_port_is_reachable_and_a_closed_one_is_not() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        assert!(reachable(&format!("http://127.0.0.1:{port}")).await);
        drop(listener);
        assert!(!reachable(&format!("http://127.0.0.1:{port}")).await);
        assert!(!reachable("not a url").await);
    }
}
