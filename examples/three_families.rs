//! One prompt, three model families, one relay key: Seedance 2.0, MiniMax Hailuo 2.3 and
//! Wan 2.6 through DMXAPI, generated side by side and saved as three files to compare.
//!
//! ```text
//! cargo run --example three_families
//! cargo run --example three_families -- "a lighthouse in a storm, waves crashing"
//! ```
//!
//! With `DMXAPI_API_KEY` set it uses the relay (and bills each family); without, it starts the
//! fake relay in-process and runs the real HTTP clients against it. Every provider is built
//! through the registry by model name, as `video --provider dmx --model NAME` builds it.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use video_core::{Destination, Pipeline, PollPolicy, VideoError, VideoProvider, VideoRequest};
use video_providers::{Registry, Settings};

/// The three models: one per family, each in its own reply style on the relay.
const MODELS: [&str; 3] = [
    "doubao-seedance-2-0-260128",
    "MiniMax-Hailuo-2.3",
    "wan2.6-t2v",
];

#[tokio::main]
async fn main() -> ExitCode {
    let prompt = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "a red fox running through fresh snow at dawn".to_owned());
    let live = video_dmx::configured_in(|name| std::env::var(name).ok());
    match run(
        &prompt,
        &PathBuf::from("."),
        Duration::from_millis(800),
        live,
    )
    .await
    {
        Ok(saved) => {
            for (model, path) in saved {
                println!("{model}: {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Generates `prompt` on every model at once (against DMXAPI when `live`, else against the
/// fake relay) and returns where each video was saved.
async fn run(
    prompt: &str,
    folder: &std::path::Path,
    render: Duration,
    live: bool,
) -> Result<Vec<(&'static str, PathBuf)>, VideoError> {
    let _fake; // kept alive for the whole run when used
    let mut providers = Vec::new();
    if live {
        let env = video_providers::ProcessEnv;
        for model in MODELS {
            let settings = Settings::new(&env).model(Some(model));
            providers.push(Registry::builtin().build("dmx", &settings)?.provider);
        }
    } else {
        let fake = video_examples::start_fake(render).await?;
        for model in MODELS {
            providers.push(video_examples::fake_model(
                &fake,
                "dmx",
                Some(model),
                render,
            )?);
        }
        _fake = fake;
    }
    let request = VideoRequest::builder(prompt).duration_secs(6).build();
    let policy = if live {
        PollPolicy::default()
    } else {
        PollPolicy::fixed(Duration::from_millis(100))
    };
    let jobs = MODELS.iter().zip(&providers).map(|(model, provider)| {
        let path = folder.join(format!("{model}.mp4"));
        let request = &request;
        let policy = policy.clone();
        async move {
            let done = Pipeline::new(provider.as_ref() as &dyn VideoProvider)
                .policy(policy)
                .save(Destination::file(&path))
                .generate(request)
                .await?;
            eprintln!("{model}: task {} done", done.task.id);
            Ok::<_, VideoError>((*model, done.saved[0].path.clone()))
        }
    });
    futures::future::join_all(jobs).await.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread")]
    async fn one_prompt_makes_three_videos_on_three_families() {
        let folder = std::env::temp_dir().join(format!("video-three-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let saved = run("a fox", &folder, Duration::from_millis(100), false)
            .await
            .unwrap();
        assert_eq!(saved.len(), 3);
        for (model, path) in saved {
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(&bytes[4..8], b"ftyp", "{model}");
        }
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
