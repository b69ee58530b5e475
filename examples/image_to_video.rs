//! Image-to-video: a first frame (and optionally a last frame) plus a prompt.
//!
//! ```text
//! cargo run --example image_to_video
//! cargo run --example image_to_video -- --image https://example.com/first.jpg \
//!     --last-frame https://example.com/last.jpg --output astronaut.mp4
//! ```
//!
//! With `DMXAPI_API_KEY` set it uses Kling v2.6 through DMXAPI; without, it starts the fake
//! relay in-process and runs the real HTTP client against it. An image is given as a URL the
//! provider fetches, or as bytes read from a file; which forms a provider takes is in its
//! capabilities, and `validate` (run by the pipeline before anything is sent) refuses the
//! others with an error that names the field. The relay takes URLs only, so a local file is
//! refused there, before any request.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use video_core::{
    DEFAULT_MAX_IMAGE_BYTES, Destination, Event, Image, Pipeline, PollPolicy, VideoError,
    VideoProvider, VideoRequest,
};
use video_providers::{Registry, Settings};

/// The relay's Kling: it takes image URLs only, so a local file is refused before sending.
const PROVIDER: &str = "kling-dmx";

const FIRST_FRAME: &str = "https://images.example.com/astronaut-seated.jpg";

/// What to make.
struct Args {
    first: String,
    last: Option<String>,
    output: PathBuf,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let live = video_kling_dmx::configured_in_env();
    match run(&args, Duration::from_millis(800), live).await {
        Ok(path) => {
            println!("saved {}", path.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            let invalid = matches!(error.root(), VideoError::InvalidRequest { .. });
            ExitCode::from(if invalid { 2 } else { 1 })
        }
    }
}

fn parse(mut words: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args {
        first: FIRST_FRAME.to_owned(),
        last: None,
        output: PathBuf::from("image_to_video.mp4"),
    };
    while let Some(flag) = words.next() {
        let value = words.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--image" => args.first = value,
            "--last-frame" => args.last = Some(value),
            "--output" => args.output = PathBuf::from(value),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(args)
}

/// A URL as is; anything else is read as an image file (its type sniffed from its bytes).
fn image(given: &str) -> Result<Image, VideoError> {
    if given.starts_with("https://") || given.starts_with("http://") {
        Ok(Image::url(given))
    } else {
        Image::from_file(Path::new(given), DEFAULT_MAX_IMAGE_BYTES)
    }
}

/// Builds the request, then generates it with the real client (against DMXAPI when `live`,
/// else against the fake relay) and returns where the video was saved.
async fn run(args: &Args, render: Duration, live: bool) -> Result<PathBuf, VideoError> {
    let first = image(&args.first)?;
    let request = match &args.last {
        Some(last) => VideoRequest::builder("the astronaut stands up and walks away")
            .images(first, image(last)?),
        None => VideoRequest::builder("the astronaut stands up and walks away").image(first),
    }
    .duration_secs(5)
    .build();

    // Built through the registry, as the `video` command builds it.
    let _relay; // kept alive for the whole run when used
    let client = if live {
        let env = video_providers::ProcessEnv;
        Registry::builtin()
            .build(PROVIDER, &Settings::new(&env))?
            .provider
    } else {
        let (provider, relay) = video_examples::fake_provider(PROVIDER, render).await?;
        _relay = relay;
        provider
    };
    if let Some(images) = &client.capabilities().image_to_video {
        eprintln!(
            "{}: image URLs {}, inline images {}, last frame {}",
            client.name(),
            yes_no(images.urls),
            yes_no(images.inline),
            yes_no(images.last_frame),
        );
    }
    let policy = PollPolicy::fixed(Duration::from_millis(200));
    let done = Pipeline::new(&client)
        .policy(policy)
        .save(Destination::file(&args.output))
        .on_event(|event| match event {
            Event::Submitted(task) => eprintln!("task id: {}", task.id),
            Event::StatusChanged(task) => eprintln!("status: {}", task.status),
            _ => {}
        })
        .generate(&request)
        .await?;
    Ok(done.saved[0].path.clone())
}

fn yes_no(flag: bool) -> &'static str {
    if flag { "yes" } else { "no" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread")]
    async fn a_url_makes_a_video_and_a_local_file_is_refused_unsent() {
        // A folder of its own under the system's temporary directory (no `tempfile`: the
        // examples' dev-dependencies are built with every example, the quickstart included).
        let folder = std::env::temp_dir().join(format!("video-i2v-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let output = folder.join("out.mp4");
        let args = Args {
            first: FIRST_FRAME.to_owned(),
            last: Some("https://images.example.com/astronaut-gone.jpg".to_owned()),
            output: output.clone(),
        };
        let saved = run(&args, Duration::from_millis(100), false).await.unwrap();
        assert_eq!(saved, output);
        assert!(std::fs::metadata(&output).unwrap().len() > 0);

        let png = folder.join("first.png");
        let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
        bytes.extend_from_slice(b"IHDR\0\0\x04\0\0\0\x03\0\x08\x02\0\0\0");
        std::fs::write(&png, bytes).unwrap();
        let args = Args {
            first: png.display().to_string(),
            last: None,
            output: folder.join("never.mp4"),
        };
        match run(&args, Duration::from_millis(100), false).await {
            Err(VideoError::InvalidRequest { field, reason, .. }) => {
                assert_eq!(field, "first_frame");
                assert!(reason.contains("needs an image URL"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert!(!folder.join("never.mp4").exists());
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
