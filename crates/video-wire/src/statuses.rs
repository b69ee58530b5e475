//! [`StatusNames`]: a provider's task statuses by name, read without case and without an
//! allocation (a status is read on every query).

use video_core::TaskStatus;

/// A provider's task status names and what each means; a name not in the table is
/// [`TaskStatus::Unknown`], kept as the provider sent it.
///
/// ```
/// use video_core::TaskStatus;
/// use video_wire::StatusNames;
/// const NAMES: StatusNames = StatusNames(&[
///     ("PENDING", TaskStatus::Submitted),
///     ("SUCCEEDED", TaskStatus::Succeeded),
/// ]);
/// assert_eq!(NAMES.status_of("succeeded"), TaskStatus::Succeeded);
/// assert_eq!(NAMES.status_of("PAUSED"), TaskStatus::Unknown("PAUSED".into()));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct StatusNames(pub &'static [(&'static str, TaskStatus)]);

impl StatusNames {
    /// What `raw` means, compared without ASCII case.
    pub fn status_of(&self, raw: &str) -> TaskStatus {
        self.0
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(raw))
            .map_or_else(
                || TaskStatus::Unknown(raw.to_owned()),
                |(_, status)| status.clone(),
            )
    }
}
