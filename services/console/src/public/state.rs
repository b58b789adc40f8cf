//! What a complainant has answered so far, kept on the server between the
//! form's pages, keyed by a random id in a cookie.
//!
//! Why server-side rather than hidden fields: the files (up to two of a
//! few megabytes each) would otherwise be sent back with every page, which
//! is slow and costly on a phone; the answers (personal data) would travel
//! in every page and every back-button cache; and the cookie's state is
//! also what the CSRF token is checked against, so no separate session is
//! needed. The id is 256 random bits; nothing personal is in a URL or a
//! log. A form ends after [`IDLE`] without a page, and its answers are
//! dropped as soon as it is submitted. The store is bounded (forms and the
//! bytes of files held), so a flood cannot exhaust memory.

use super::multipart::Upload;
use crate::session::{constant_time_eq, random_token};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A form not touched for this long is gone.
pub const IDLE: Duration = Duration::from_secs(60 * 60);
/// The most forms held at once; past it, the longest idle one goes.
const MAX_FORMS: usize = 20_000;
/// The most bytes of uploaded files held across every form.
const MAX_FILE_BYTES: usize = 512 * 1024 * 1024;

/// A receipt shown on the confirmation page.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Receipt {
    pub reference: String,
    /// "Wednesday 16 December 2026", when intake gave a contact date.
    pub contact_by: Option<String>,
    pub redirected_to: Option<String>,
    pub dealt_with_by: Option<String>,
    /// Whether a member of staff must first decide on an old matter (R-INT-2).
    pub awaiting_time_decision: bool,
    pub awaiting_consent: bool,
}

/// What a signed link let this visitor do, kept on the server so the
/// token leaves the address bar at once: the record it claims and the
/// token itself, which every call to a service carries for the service to
/// check (the public listener holds no secret and checks nothing itself).
#[derive(Debug, Clone)]
pub struct Capability {
    /// The complaint reference or submission id the link names.
    pub record: String,
    pub token: String,
}

/// One form in progress (a complaint and a compliment share it).
#[derive(Debug, Clone)]
pub struct FormState {
    /// Every form on every page carries it back.
    pub csrf: String,
    pub seen: Instant,
    /// The complaint's answers by field name, as cleaned by their page.
    pub complaint: BTreeMap<String, String>,
    pub files: Vec<Upload>,
    /// Generated when the complaint form starts; sent with the submission
    /// so a repeated submit returns the first receipt.
    pub complaint_key: String,
    /// Set once the check-answers page was seen: pages then return there.
    pub reviewing: bool,
    pub complaint_receipt: Option<Receipt>,
    pub compliment: BTreeMap<String, String>,
    pub compliment_key: String,
    pub compliment_receipt: Option<Receipt>,
    /// A follow link's complaint, once the link was opened.
    pub follow: Option<Capability>,
    /// A consent link's submission (R-INT-4), once the link was opened.
    pub consent: Option<Capability>,
}

impl FormState {
    fn new(now: Instant) -> Self {
        Self {
            csrf: random_token(),
            seen: now,
            complaint: BTreeMap::new(),
            files: Vec::new(),
            complaint_key: random_token(),
            reviewing: false,
            complaint_receipt: None,
            compliment: BTreeMap::new(),
            compliment_key: random_token(),
            compliment_receipt: None,
            follow: None,
            consent: None,
        }
    }

    /// Starts the complaint afresh: answers, files and key.
    pub fn restart_complaint(&mut self) {
        self.complaint.clear();
        self.files.clear();
        self.complaint_key = random_token();
        self.reviewing = false;
        self.complaint_receipt = None;
    }

    pub fn restart_compliment(&mut self) {
        self.compliment.clear();
        self.compliment_key = random_token();
        self.compliment_receipt = None;
    }

    pub fn csrf_matches(&self, given: Option<&str>) -> bool {
        given.is_some_and(|g| constant_time_eq(g, &self.csrf))
    }

    fn file_bytes(&self) -> usize {
        self.files.iter().map(|f| f.content.len()).sum()
    }
}

/// Every form in progress.
#[derive(Debug, Default)]
pub struct Forms {
    forms: Mutex<HashMap<String, FormState>>,
}

/// The file store is full: try again later.
#[derive(Debug, Clone, Copy)]
pub struct Full;

impl Forms {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, FormState>> {
        self.forms
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The live form `id`, touched.
    pub fn get(&self, id: &str, now: Instant) -> Option<FormState> {
        let mut forms = self.lock();
        let live = forms
            .get(id)
            .is_some_and(|f| now.duration_since(f.seen) < IDLE);
        if !live {
            forms.remove(id);
            return None;
        }
        let form = forms.get_mut(id)?;
        form.seen = now;
        Some(form.clone())
    }

    /// A new form and its id.
    pub fn start(&self, now: Instant) -> (String, FormState) {
        let mut forms = self.lock();
        forms.retain(|_, f| now.duration_since(f.seen) < IDLE);
        if forms.len() >= MAX_FORMS
            && let Some(oldest) = forms
                .iter()
                .min_by_key(|(_, f)| f.seen)
                .map(|(id, _)| id.clone())
        {
            forms.remove(&oldest);
        }
        let id = random_token();
        let form = FormState::new(now);
        forms.insert(id.clone(), form.clone());
        (id, form)
    }

    /// Changes form `id` with `change`; refused when the files held in
    /// all forms would pass [`MAX_FILE_BYTES`].
    pub fn update(&self, id: &str, change: impl FnOnce(&mut FormState)) -> Result<(), Full> {
        let mut forms = self.lock();
        let others: usize = forms
            .iter()
            .filter(|(k, _)| k.as_str() != id)
            .map(|(_, f)| f.file_bytes())
            .sum();
        let Some(form) = forms.get_mut(id) else {
            return Ok(());
        };
        let mut changed = form.clone();
        change(&mut changed);
        if changed.file_bytes() > form.file_bytes()
            && others + changed.file_bytes() > MAX_FILE_BYTES
        {
            return Err(Full);
        }
        *form = changed;
        Ok(())
    }
}
