//! How the contracts' values read on a page: dates in words, enums in the
//! procedure's words, deadlines as due / approaching / missed with the
//! working days left, counted on the same calendar the services use.

use calendar::Calendar;
use chrono::{Datelike, NaiveDate};
use complaints_proto::v1 as pb;
use platform::staff::Directory;
use serde::Serialize;

/// "Wednesday 16 December 2026".
pub fn date_words(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

/// A contract date as a calendar date; `None` when absent or impossible.
pub fn date(date: Option<&pb::Date>) -> Option<NaiveDate> {
    let d = date?;
    NaiveDate::from_ymd_opt(d.year, d.month, d.day)
}

/// A calendar date as a contract date.
pub fn pb_date(date: NaiveDate) -> pb::Date {
    pb::Date {
        year: date.year(),
        month: date.month(),
        day: date.day(),
    }
}

/// A timestamp in words, UK civil date and time: "Wednesday 16 December
/// 2026 at 14:05".
pub fn timestamp_words(at: Option<&prost_types::Timestamp>) -> String {
    let Some(at) = at else {
        return String::new();
    };
    let Some(utc) = chrono::DateTime::from_timestamp(at.seconds, 0) else {
        return String::new();
    };
    let day = calendar::uk_date(utc);
    // The UK offset is whole hours; the calendar gives the UK date, and
    // the difference of dates tells British Summer Time apart.
    let offset = uk_offset_hours(utc);
    let local = utc + chrono::Duration::hours(offset);
    format!("{} at {}", date_words(day), local.format("%H:%M"))
}

fn uk_offset_hours(utc: chrono::DateTime<chrono::Utc>) -> i64 {
    // BST runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on
    // the last Sunday of October.
    let year = utc.year();
    let last_sunday = |month: u32| {
        let mut day = NaiveDate::from_ymd_opt(year, month, 31).unwrap_or_default();
        while day.weekday() != chrono::Weekday::Sun {
            day = day.pred_opt().unwrap_or(day);
        }
        day.and_hms_opt(1, 0, 0).unwrap_or_default().and_utc()
    };
    if utc >= last_sunday(3) && utc < last_sunday(10) {
        1
    } else {
        0
    }
}

/// Where a deadline stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    Due,
    Approaching,
    Missed,
    Met,
    /// R-S2-1, R-S3-1: an escalation window that has not started, as the
    /// complainant is not yet known to have received the outcome; never
    /// missed, whatever the date it would end if received on issue.
    AwaitingReceipt,
}

impl DeadlineState {
    pub fn words(self) -> &'static str {
        match self {
            DeadlineState::Due => "due",
            DeadlineState::Approaching => "approaching",
            DeadlineState::Missed => "missed",
            DeadlineState::Met => "met",
            DeadlineState::AwaitingReceipt => "starts when the complainant receives the outcome",
        }
    }

    /// The query parameter's values.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "due" => Some(Self::Due),
            "approaching" => Some(Self::Approaching),
            "missed" => Some(Self::Missed),
            _ => None,
        }
    }
}

/// Working days within which a deadline counts as approaching, as the
/// services' default warning (`DEADLINE_WARNING_WORKING_DAYS`).
pub const APPROACHING_WITHIN: u32 = 2;

/// A deadline on a page.
#[derive(Debug, Clone, Serialize)]
pub struct Deadline {
    pub kind: String,
    pub due_on: String,
    pub due_iso: String,
    /// Working days from today to the due date (0 when due or past).
    pub working_days_left: u32,
    pub state: DeadlineState,
    pub state_words: &'static str,
    pub met_on: String,
}

impl Deadline {
    /// A deadline due on `due`, as of `today`; `missed` and `approaching`
    /// as the service says when it said so, else from the calendar.
    pub fn new(
        calendar: &Calendar,
        today: NaiveDate,
        kind: String,
        due: NaiveDate,
        met: Option<NaiveDate>,
        missed: bool,
        approaching: bool,
    ) -> Self {
        let left = calendar.working_days_between(today, due);
        let state = if met.is_some() {
            DeadlineState::Met
        } else if missed || due < today {
            DeadlineState::Missed
        } else if approaching || left <= APPROACHING_WITHIN {
            DeadlineState::Approaching
        } else {
            DeadlineState::Due
        };
        Self {
            kind,
            due_on: date_words(due),
            due_iso: due.to_string(),
            working_days_left: left,
            state,
            state_words: state.words(),
            met_on: met.map(date_words).unwrap_or_default(),
        }
    }

    /// R-S2-1, R-S3-1: as the service says, the escalation window has not
    /// started (the outcome's receipt is not known), so it is neither due
    /// nor missed and no working days are counting down; a met one stays
    /// met.
    pub fn awaiting_receipt(mut self, awaiting: bool) -> Self {
        if awaiting && self.state != DeadlineState::Met {
            self.state = DeadlineState::AwaitingReceipt;
            self.state_words = self.state.words();
            self.working_days_left = 0;
        }
        self
    }
}

/// The next deadline of a work-queue row, as the work queue and the
/// monitors' view both show it.
pub fn work_item_deadline(
    calendar: &Calendar,
    today: NaiveDate,
    item: &pb::WorkItem,
) -> Option<Deadline> {
    date(item.next_due_on.as_ref()).map(|due| {
        Deadline::new(
            calendar,
            today,
            deadline_kind(item.next_deadline).to_owned(),
            due,
            None,
            item.overdue,
            false,
        )
        .awaiting_receipt(item.awaiting_receipt)
    })
}

pub fn stage(value: i32) -> &'static str {
    match pb::Stage::try_from(value) {
        Ok(pb::Stage::Stage1) => "Stage 1",
        Ok(pb::Stage::Stage2) => "Stage 2",
        Ok(pb::Stage::Stage3) => "Stage 3",
        _ => "",
    }
}

pub fn deadline_kind(value: i32) -> &'static str {
    use pb::DeadlineKind as K;
    match K::try_from(value) {
        Ok(K::FirstContact) => "First contact",
        Ok(K::AgreedTimescale) => "Agreed timescale",
        Ok(K::Stage2Response) => "Stage 2 response",
        Ok(K::Stage3Acknowledgement) => "Stage 3 acknowledgement",
        Ok(K::Stage3Response) => "Stage 3 response",
        Ok(K::EscalationWindow) => "Window to ask for the next stage",
        _ => "",
    }
}

pub fn decision(value: i32) -> &'static str {
    match pb::Decision::try_from(value) {
        Ok(pb::Decision::Upheld) => "Upheld",
        Ok(pb::Decision::PartlyUpheld) => "Partly upheld",
        Ok(pb::Decision::NotUpheld) => "Not upheld",
        _ => "",
    }
}

pub fn handler_role(value: i32) -> &'static str {
    match pb::HandlerRole::try_from(value) {
        Ok(pb::HandlerRole::Handler) => "Handler",
        Ok(pb::HandlerRole::Manager) => "Relevant manager",
        Ok(pb::HandlerRole::ComplianceManager) => "Corporate Compliance Manager",
        _ => "",
    }
}

pub fn channel(value: i32) -> &'static str {
    match pb::Channel::try_from(value) {
        Ok(pb::Channel::WebForm) => "Web form",
        Ok(pb::Channel::Email) => "Email",
        Ok(pb::Channel::Telephone) => "Telephone",
        Ok(pb::Channel::Regulator) => "Regulator",
        _ => "",
    }
}

pub fn closure(value: i32) -> &'static str {
    match pb::ClosureKind::try_from(value) {
        Ok(pb::ClosureKind::AfterStage3) => "Closed after the Stage 3 outcome",
        Ok(pb::ClosureKind::ResolvedOutsideProcedure) => "Resolved outside the procedure",
        Ok(pb::ClosureKind::EscalationWindowLapsed) => "Closed: no request for the next stage",
        _ => "",
    }
}

pub fn action_kind(value: i32) -> &'static str {
    use pb::ActionKind as K;
    match K::try_from(value) {
        Ok(K::FollowUp) => "Follow-up",
        Ok(K::Improvement) => "Improvement",
        Ok(K::IdentifyAffectedLearners) => "Identify affected learners",
        Ok(K::CorrectOrMitigate) => "Correct or mitigate",
        Ok(K::PreventRecurrence) => "Prevent recurrence",
        Ok(K::RegulatorReview) => "Regulator review",
        _ => "",
    }
}

pub fn triage_status(value: i32) -> &'static str {
    use pb::TriageStatus as T;
    match T::try_from(value) {
        Ok(T::Accepted) => "Accepted",
        Ok(T::Redirected) => "Redirected",
        Ok(T::AwaitingTimeDecision) => "Over 6 months old: decision needed",
        Ok(T::AwaitingConsent) => "Awaiting consent",
        Ok(T::DeclinedOutOfTime) => "Declined: out of time",
        Ok(T::ResolvedOutsideProcedure) => "Resolved outside the procedure",
        _ => "",
    }
}

pub fn notification_status(value: i32) -> &'static str {
    use pb::NotificationStatus as N;
    match N::try_from(value) {
        Ok(N::Queued) => "Queued",
        Ok(N::Failed) => "Failed, will retry",
        Ok(N::Sent) => "Sent",
        Ok(N::GivenUp) => "Given up",
        Ok(N::Cancelled) => "Cancelled",
        _ => "",
    }
}

pub fn recipient_kind(value: i32) -> &'static str {
    use pb::RecipientKind as R;
    match R::try_from(value) {
        Ok(R::Complainant) => "Complainant",
        Ok(R::ThirdParty) => "Third party",
        Ok(R::Staff) => "Staff",
        Ok(R::Manager) => "Manager",
        _ => "",
    }
}

pub fn delivery_channel(value: i32) -> &'static str {
    match pb::DeliveryChannel::try_from(value) {
        Ok(pb::DeliveryChannel::Email) => "Email",
        Ok(pb::DeliveryChannel::Post) => "Post",
        _ => "",
    }
}

/// What an id missing from the staff directory is shown with, so the gap
/// is seen and filled.
pub const NOT_IN_DIRECTORY: &str = "(not in the staff directory)";

/// R-ADJ-1: the reasonable adjustments a complainant asked for, one line
/// each in words, for staff to honour; empty when none were.
pub fn adjustments(asked: Option<&pb::ReasonableAdjustments>) -> Vec<String> {
    let Some(a) = asked else { return Vec::new() };
    let mut lines = Vec::new();
    if a.large_print {
        lines.push("Letters in large print".to_owned());
    }
    let mut add = |label: &str, text: &str| {
        if !text.trim().is_empty() {
            lines.push(format!("{label}: {}", text.trim()));
        }
    };
    add("Letters also in", &a.other_format);
    add("Contact by", &a.contact_method);
    add("Contact at", &a.contact_time);
    let relationship = a.representative_relationship.trim();
    let speaks_for = if relationship.is_empty() {
        a.representative_name.clone()
    } else {
        format!("{} ({relationship})", a.representative_name.trim())
    };
    add("Someone speaks for them", &speaks_for);
    add("Also asked for", &a.other);
    lines
}

/// A member of staff by name from the staff directory ("Hannah Hughes");
/// an id it lacks as "handler-7 (not in the staff directory)"; no id as
/// nothing.
pub fn staff(directory: &Directory, id: &str) -> String {
    let id = id.trim();
    match directory.get(id) {
        _ if id.is_empty() => String::new(),
        Some(member) => member.name.clone(),
        None => format!("{id} {NOT_IN_DIRECTORY}"),
    }
}

/// [`staff`] with the job title where the directory gives one, for pages
/// that say who someone is: "Hannah Hughes, Complaints handler".
pub fn staff_with_title(directory: &Directory, id: &str) -> String {
    match directory
        .get(id.trim())
        .and_then(|m| m.job_title.as_deref())
    {
        Some(title) => format!("{}, {title}", staff(directory, id)),
        None => staff(directory, id),
    }
}

/// "user:handler-1" by name ("Hannah Hughes"), "system:deadlines" as "the
/// system (deadlines)".
pub fn actor(directory: &Directory, actor: &str) -> String {
    if let Some(user) = actor.strip_prefix("user:") {
        staff(directory, user)
    } else if let Some(system) = actor.strip_prefix("system:") {
        format!("the system ({system})")
    } else {
        actor.to_owned()
    }
}

/// The rule ids (`R-S1-4`) a history summary names.
pub fn rules_in(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| {
            w.starts_with("R-")
                && w.len() > 3
                && w.chars().last().is_some_and(|c| c.is_ascii_digit())
        })
        .map(str::to_owned)
        .collect()
}

/// `complaints.v1.StageOutcomeRecorded` as "Stage outcome recorded".
pub fn event_words(event_type: &str) -> String {
    let name = event_type.rsplit('.').next().unwrap_or(event_type);
    let mut words = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            words.push(' ');
            words.push(c.to_ascii_lowercase());
        } else if c.is_ascii_digit() && i > 0 && !words.ends_with(|p: char| p.is_ascii_digit()) {
            words.push(' ');
            words.push(c);
        } else {
            words.push(c);
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_in_words() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 16).unwrap();
        assert_eq!(date_words(day), "Wednesday 16 December 2026");
    }

    #[test]
    fn r_mon_1_deadline_state_counts_working_days_on_the_services_calendar() {
        let calendar = Calendar::england_and_wales();
        // Thursday 24 December 2026; Christmas and Boxing Day (Monday 28th
        // as substitute) are bank holidays.
        let today = NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
        let due = NaiveDate::from_ymd_opt(2026, 12, 30).unwrap();
        let d = Deadline::new(&calendar, today, "x".into(), due, None, false, false);
        assert_eq!(d.working_days_left, 2);
        assert_eq!(d.state, DeadlineState::Approaching);
        let due = NaiveDate::from_ymd_opt(2027, 1, 8).unwrap();
        let d = Deadline::new(&calendar, today, "x".into(), due, None, false, false);
        assert_eq!(d.state, DeadlineState::Due);
        let past = NaiveDate::from_ymd_opt(2026, 12, 23).unwrap();
        let d = Deadline::new(&calendar, today, "x".into(), past, None, false, false);
        assert_eq!(d.state, DeadlineState::Missed);
        let d = Deadline::new(&calendar, today, "x".into(), past, Some(past), false, false);
        assert_eq!(d.state, DeadlineState::Met);
    }

    /// R-S2-1, R-S3-1: an escalation window whose outcome is not yet known
    /// received has not started: past the date it would end had the
    /// outcome been received on issue it still reads as waiting for the
    /// receipt, never missed, and counts no working days down.
    #[test]
    fn r_s2_1_an_escalation_window_awaiting_receipt_is_never_shown_missed() {
        let calendar = Calendar::england_and_wales();
        let today = NaiveDate::from_ymd_opt(2026, 4, 20).unwrap();
        let past = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        let window = |awaiting| {
            Deadline::new(&calendar, today, "Window".into(), past, None, false, false)
                .awaiting_receipt(awaiting)
        };
        assert_eq!(window(false).state, DeadlineState::Missed);
        let waiting = window(true);
        assert_eq!(waiting.state, DeadlineState::AwaitingReceipt);
        assert_eq!(
            waiting.state_words,
            "starts when the complainant receives the outcome"
        );
        assert_eq!(waiting.working_days_left, 0);
        let soon = NaiveDate::from_ymd_opt(2026, 4, 21).unwrap();
        let approaching = Deadline::new(&calendar, today, "W".into(), soon, None, false, true);
        assert_eq!(
            approaching.awaiting_receipt(true).state,
            DeadlineState::AwaitingReceipt
        );
        let met = Deadline::new(&calendar, today, "W".into(), past, Some(past), false, false);
        assert_eq!(met.awaiting_receipt(true).state, DeadlineState::Met);
    }

    #[test]
    fn history_reads_in_words_with_its_rules() {
        assert_eq!(
            event_words("complaints.v1.Stage3Acknowledged"),
            "Stage 3 acknowledged"
        );
        assert_eq!(
            rules_in("Outcome recorded (R-OUT-1, R-S1-4)."),
            vec!["R-OUT-1", "R-S1-4"]
        );
        let directory = Directory::parse(
            r#"{"staff": {"handler-1": {"name": "Hannah Hughes", "email": "h@example.org", "job_title": "Complaints handler"}}}"#,
        )
        .unwrap();
        assert_eq!(actor(&directory, "user:handler-1"), "Hannah Hughes");
        assert_eq!(
            actor(&directory, "user:handler-7"),
            "handler-7 (not in the staff directory)"
        );
        assert_eq!(
            actor(&directory, "system:deadlines"),
            "the system (deadlines)"
        );
    }

    #[test]
    fn staff_are_shown_by_name_and_an_id_missing_from_the_directory_says_so() {
        let directory = Directory::parse(
            r#"{"staff": {"handler-1": {"name": "Hannah Hughes", "email": "h@example.org", "job_title": "Complaints handler"},
                          "manager-1": {"name": "Maria Moss", "email": "m@example.org"}}}"#,
        )
        .unwrap();
        assert_eq!(staff(&directory, "handler-1"), "Hannah Hughes");
        assert_eq!(
            staff_with_title(&directory, "handler-1"),
            "Hannah Hughes, Complaints handler"
        );
        assert_eq!(staff_with_title(&directory, "manager-1"), "Maria Moss");
        assert_eq!(
            staff_with_title(&directory, "ccm-9"),
            "ccm-9 (not in the staff directory)"
        );
        assert_eq!(staff(&directory, ""), "", "nobody allocated");
    }
}
