//! `video-lb`: a round-robin TCP balancer for a fleet of `video-worker`s on one machine, so
//! Restate sees one deployment address (as it would behind a platform load balancer). Each
//! new connection goes to the next worker that accepts it; a dead worker is skipped.
//! For demos and tests (`scripts/fleet-demo.sh`); in production use your platform's
//! balancer.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::Parser;
use tokio::net::{TcpListener, TcpStream};

/// Round-robin TCP balancer.
#[derive(Debug, Parser)]
#[command(name = "video-lb", version)]
struct Args {
    /// Where to listen.
    #[arg(long)]
    listen: SocketAddr,
    /// A worker address (repeat for each).
    #[arg(long = "to", required = true)]
    workers: Vec<SocketAddr>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let listener = match TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("video-lb: cannot listen on {}: {error}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    println!("tcp://{}", args.listen);
    let workers = Arc::new(args.workers);
    let next = Arc::new(AtomicUsize::new(0));
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        let (workers, next) = (Arc::clone(&workers), Arc::clone(&next));
        tokio::spawn(async move {
            if let Some(mut worker) = connect(&workers, &next).await {
                let mut client = client;
                let _ = tokio::io::copy_bidirectional(&mut client, &mut worker).await;
            }
        });
    }
}

/// The next worker (round robin) that accepts a connection.
async fn connect(workers: &[SocketAddr], next: &AtomicUsize) -> Option<TcpStream> {
    for _ in 0..workers.len() {
        let index = next.fetch_add(1, Ordering::Relaxed) % workers.len();
        if let Ok(stream) = TcpStream::connect(workers[index]).await {
            let _ = stream.set_nodelay(true);
            return Some(stream);
        }
    }
    None
}
