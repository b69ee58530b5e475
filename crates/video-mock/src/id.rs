//! Mock task ids carry everything needed to answer for the task, so a mock in another
//! process (or a fresh one) can report on an id this one issued.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::builder::RenderTime;

/// How a mock task ends, as encoded in its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdOutcome {
    Succeed,
    /// Fails with the k-th registered failure message.
    Fail(u32),
}

/// `mock-{seq}-{created_ms}-{t<render ms>|p<polls>}-{s|f<k>}-{duration}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MockTaskId {
    pub(crate) seq: u64,
    pub(crate) created_ms: u64,
    pub(crate) render: RenderTime,
    pub(crate) outcome: IdOutcome,
    pub(crate) duration_secs: u32,
}

impl fmt::Display for MockTaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mock-{}-{}-", self.seq, self.created_ms)?;
        match self.render {
            RenderTime::After(time) => write!(f, "t{}", time.as_millis())?,
            RenderTime::Polls(polls) => write!(f, "p{polls}")?,
        }
        match self.outcome {
            IdOutcome::Succeed => write!(f, "-s")?,
            IdOutcome::Fail(index) => write!(f, "-f{index}")?,
        }
        write!(f, "-{}", self.duration_secs)
    }
}

impl FromStr for MockTaskId {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        let parts: Vec<&str> = text.split('-').collect();
        let ["mock", seq, created, render, outcome, duration] = parts.as_slice() else {
            return Err(());
        };
        let render = match render.split_at_checked(1).ok_or(())? {
            ("t", ms) => RenderTime::After(Duration::from_millis(number(ms)?)),
            ("p", polls) => RenderTime::Polls(number(polls)?),
            _ => return Err(()),
        };
        let outcome = match outcome.split_at_checked(1).ok_or(())? {
            ("s", "") => IdOutcome::Succeed,
            ("f", index) => IdOutcome::Fail(number(index)?),
            _ => return Err(()),
        };
        Ok(Self {
            seq: number(seq)?,
            created_ms: number(created)?,
            render,
            outcome,
            duration_secs: number(duration)?,
        })
    }
}

fn number<T: FromStr>(text: &str) -> Result<T, ()> {
    text.parse().map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for id in [
            MockTaskId {
                seq: 1,
                created_ms: 1_768_358_000_000,
                render: RenderTime::After(Duration::from_secs(75)),
                outcome: IdOutcome::Succeed,
                duration_secs: 5,
            },
            MockTaskId {
                seq: 42,
                created_ms: 7,
                render: RenderTime::Polls(3),
                outcome: IdOutcome::Fail(2),
                duration_secs: 10,
            },
        ] {
            let text = id.to_string();
            assert_eq!(text.parse::<MockTaskId>(), Ok(id), "{text}");
        }
    }

    #[test]
    fn foreign_ids_do_not_parse() {
        for text in [
            "",
            "840242793980637239",
            "mock-1-2-x3-s-5",
            "mock-1-2-t3-s",
            "mock-a-2-t3-s-5",
        ] {
            assert!(text.parse::<MockTaskId>().is_err(), "{text}");
        }
    }
}
