//! Server-side sessions, in memory.
//!
//! The browser holds only a random 256-bit id in a cookie; everything else
//! (the person's bearer token, their CSRF token, a flash message, a sign-in
//! in progress) stays here. A session ends after [`SessionSettings::idle`]
//! without a request and [`SessionSettings::absolute`] after it began, and
//! its id changes at sign-in so an id planted before sign-in is worthless.
//! Signing out ends every session of the person in this console process.

use crate::settings::SessionSettings;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use platform::auth::Role;
use ring::rand::{SecureRandom, SystemRandom};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Instant, SystemTime};

/// The most sessions held at once; past it, the oldest idle one goes, so
/// a flood of anonymous visits cannot exhaust memory.
const MAX_SESSIONS: usize = 100_000;

/// 32 random bytes, base64url without padding (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // The system's random source failing is not survivable for a session
    // store; fall back to a fresh v4 UUID pair (also from the OS), never
    // to a predictable value.
    if SystemRandom::new().fill(&mut bytes).is_err() {
        let a = uuid::Uuid::new_v4();
        let b = uuid::Uuid::new_v4();
        bytes[..16].copy_from_slice(a.as_bytes());
        bytes[16..].copy_from_slice(b.as_bytes());
    }
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Who is signed in, as their access token says.
#[derive(Clone)]
pub struct Person {
    /// The token's `sub`: a staff id.
    pub subject: String,
    /// The token's `name`, when it has one.
    pub name: Option<String>,
    pub roles: Vec<Role>,
    pub team: Option<String>,
    /// The bearer token every call to the services carries.
    pub token: String,
    /// When the token expires: the person signs in again after.
    pub token_expires: SystemTime,
}

impl std::fmt::Debug for Person {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Person")
            .field("subject", &self.subject)
            .field("roles", &self.roles)
            .field("team", &self.team)
            .field("token", &"..")
            .finish_non_exhaustive()
    }
}

impl Person {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// An OpenID Connect sign-in under way: what the callback must match.
#[derive(Debug, Clone)]
pub struct PendingSignIn {
    pub state: String,
    pub nonce: String,
    pub verifier: String,
}

/// One browser's session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Sent in a hidden field of every form, checked on every POST.
    pub csrf: String,
    pub person: Option<Person>,
    pub pending: Option<PendingSignIn>,
    /// A one-time message shown on the next page.
    pub flash: Option<String>,
    created: Instant,
    last_seen: Instant,
}

impl Session {
    fn new(now: Instant) -> Self {
        Self {
            csrf: random_token(),
            person: None,
            pending: None,
            flash: None,
            created: now,
            last_seen: now,
        }
    }

    /// Whether the session has ended by `now`.
    fn expired(&self, settings: &SessionSettings, now: Instant) -> bool {
        now.saturating_duration_since(self.last_seen) >= settings.idle
            || now.saturating_duration_since(self.created) >= settings.absolute
    }

    /// Whether the CSRF token sent with a form is this session's.
    pub fn csrf_matches(&self, sent: Option<&str>) -> bool {
        sent.is_some_and(|sent| constant_time_eq(sent, &self.csrf))
    }
}

/// Every live session of this console process.
#[derive(Debug)]
pub struct Sessions {
    settings: SessionSettings,
    inner: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    pub fn new(settings: SessionSettings) -> Self {
        Self {
            settings,
            inner: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The session `id` as it stands, touched (its idle clock restarts);
    /// `None` for an unknown or ended one, which is removed.
    pub fn get(&self, id: &str, now: Instant) -> Option<Session> {
        let mut all = self.lock();
        let session = all.get_mut(id)?;
        if session.expired(&self.settings, now) {
            all.remove(id);
            return None;
        }
        session.last_seen = now;
        Some(session.clone())
    }

    /// A new anonymous session; answers its id.
    pub fn create(&self, now: Instant) -> (String, Session) {
        let mut all = self.lock();
        self.sweep(&mut all, now);
        let id = random_token();
        let session = Session::new(now);
        all.insert(id.clone(), session.clone());
        (id, session)
    }

    /// Changes session `id` with `change`, if it is live.
    pub fn update(&self, id: &str, change: impl FnOnce(&mut Session)) {
        if let Some(session) = self.lock().get_mut(id) {
            change(session);
        }
    }

    /// Takes the flash message of session `id`, once.
    pub fn take_flash(&self, id: &str) -> Option<String> {
        self.lock().get_mut(id).and_then(|s| s.flash.take())
    }

    /// Signs `person` in: the old session `old` (if any) is removed and a
    /// new one with a new id and a new CSRF token holds the person.
    pub fn sign_in(&self, old: Option<&str>, person: Person, now: Instant) -> (String, Session) {
        let mut all = self.lock();
        if let Some(old) = old {
            all.remove(old);
        }
        self.sweep(&mut all, now);
        let id = random_token();
        let mut session = Session::new(now);
        session.person = Some(person);
        all.insert(id.clone(), session.clone());
        (id, session)
    }

    /// Ends every session of `subject` in this process; answers how many.
    pub fn sign_out_everywhere(&self, subject: &str) -> usize {
        let mut all = self.lock();
        let before = all.len();
        all.retain(|_, s| s.person.as_ref().is_none_or(|p| p.subject != subject));
        before - all.len()
    }

    /// Removes session `id`.
    pub fn remove(&self, id: &str) {
        self.lock().remove(id);
    }

    /// Drops ended sessions, and the least recently seen when full.
    fn sweep(&self, all: &mut HashMap<String, Session>, now: Instant) {
        all.retain(|_, s| !s.expired(&self.settings, now));
        while all.len() >= MAX_SESSIONS {
            let Some(oldest) = all
                .iter()
                .min_by_key(|(_, s)| s.last_seen)
                .map(|(id, _)| id.clone())
            else {
                break;
            };
            all.remove(&oldest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn settings() -> SessionSettings {
        SessionSettings {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(8 * 3600),
        }
    }

    fn person(subject: &str) -> Person {
        Person {
            subject: subject.into(),
            name: None,
            roles: vec![Role::Handler],
            team: Some("Customer Services".into()),
            token: "t".into(),
            token_expires: SystemTime::now() + Duration::from_secs(3600),
        }
    }

    #[test]
    fn a_session_ends_after_the_idle_time_without_a_request() {
        let sessions = Sessions::new(settings());
        let start = Instant::now();
        let (id, _) = sessions.create(start);
        let later = start + Duration::from_secs(29 * 60);
        assert!(
            sessions.get(&id, later).is_some(),
            "seen within the idle time"
        );
        // Seen at `later`, so the idle clock restarted there.
        assert!(
            sessions
                .get(&id, later + Duration::from_secs(29 * 60))
                .is_some()
        );
        let idle = later + Duration::from_secs(29 * 60) + Duration::from_secs(30 * 60);
        assert!(sessions.get(&id, idle).is_none(), "idle for 30 minutes");
        assert!(
            sessions.get(&id, start).is_none(),
            "an ended session is removed"
        );
    }

    #[test]
    fn a_session_ends_at_the_absolute_limit_however_busy() {
        let sessions = Sessions::new(settings());
        let start = Instant::now();
        let (id, _) = sessions.sign_in(None, person("handler-1"), start);
        let mut now = start;
        for _ in 0..(8 * 60 / 20 - 1) {
            now += Duration::from_secs(20 * 60);
            assert!(sessions.get(&id, now).is_some());
        }
        now += Duration::from_secs(20 * 60);
        assert!(sessions.get(&id, now).is_none(), "8 hours after sign-in");
    }

    #[test]
    fn sign_in_gives_a_new_id_and_csrf_token_and_forgets_the_old_session() {
        let sessions = Sessions::new(settings());
        let now = Instant::now();
        let (old, before) = sessions.create(now);
        let (new, after) = sessions.sign_in(Some(&old), person("handler-1"), now);
        assert_ne!(old, new);
        assert_ne!(before.csrf, after.csrf);
        assert!(sessions.get(&old, now).is_none());
        assert_eq!(
            sessions
                .get(&new, now)
                .and_then(|s| s.person)
                .map(|p| p.subject),
            Some("handler-1".into())
        );
    }

    #[test]
    fn sign_out_ends_every_session_of_the_person_and_only_theirs() {
        let sessions = Sessions::new(settings());
        let now = Instant::now();
        let (a, _) = sessions.sign_in(None, person("handler-1"), now);
        let (b, _) = sessions.sign_in(None, person("handler-1"), now);
        let (c, _) = sessions.sign_in(None, person("handler-2"), now);
        assert_eq!(sessions.sign_out_everywhere("handler-1"), 2);
        assert!(sessions.get(&a, now).is_none());
        assert!(sessions.get(&b, now).is_none());
        assert!(sessions.get(&c, now).is_some());
    }

    #[test]
    fn csrf_tokens_compare_whole_and_exact() {
        let sessions = Sessions::new(settings());
        let (_, session) = sessions.create(Instant::now());
        assert!(session.csrf_matches(Some(&session.csrf.clone())));
        assert!(!session.csrf_matches(None));
        assert!(!session.csrf_matches(Some("")));
        assert!(!session.csrf_matches(Some(&session.csrf[..42])));
        let mut wrong = session.csrf.clone().into_bytes();
        wrong[42] = if wrong[42] == b'A' { b'B' } else { b'A' };
        assert!(!session.csrf_matches(Some(&String::from_utf8(wrong).unwrap())));
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
    }

    #[test]
    fn ids_are_256_random_bits() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token());
    }

    #[test]
    fn a_flash_message_is_shown_once() {
        let sessions = Sessions::new(settings());
        let (id, _) = sessions.create(Instant::now());
        sessions.update(&id, |s| s.flash = Some("Done".into()));
        assert_eq!(sessions.take_flash(&id).as_deref(), Some("Done"));
        assert_eq!(sessions.take_flash(&id), None);
    }
}
