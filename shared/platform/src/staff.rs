//! The staff directory (`STAFF_DIRECTORY`): names, work emails and job
//! titles by staff id. Tokens and events carry staff ids only; the
//! notifications service names staff in letters from it and the console
//! shows staff by name from it, so both read the setting here, the one way.
//!
//! The setting holds either the JSON of `deploy/local/staff-directory.json`
//! (`{"staff": {"<id>": {"name": ..., "email": ..., "job_title": ...}},
//! "unlisted": {"name": ..., "email": ...}}`, `job_title` optional) or the
//! older `id|Name|email;...` list, where `*|Team name|mailbox` names the
//! mailbox for letters to staff the directory does not list.

use std::collections::HashMap;

/// The directory id of the mailbox for letters to unlisted staff.
pub const UNLISTED: &str = "*";

/// One member of staff (or the unlisted-staff mailbox, id [`UNLISTED`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub email: String,
    /// Their job title, when the directory gives one.
    pub job_title: Option<String>,
}

/// Staff by id, and the unlisted-staff mailbox.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    staff: HashMap<String, Member>,
    unlisted: Option<Member>,
}

impl Directory {
    /// Reads the setting's text; empty text is an empty directory. A
    /// broken entry is refused with what was expected.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.trim_start().starts_with('{') {
            return Self::parse_json(text);
        }
        let mut directory = Self::default();
        for entry in text.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let parts: Vec<&str> = entry.split('|').map(str::trim).collect();
            let [id, name, email] = parts[..] else {
                return Err(format!("{entry:?}: expected id|Name|email"));
            };
            directory.insert(id, name, email, None)?;
        }
        Ok(directory)
    }

    fn parse_json(text: &str) -> Result<Self, String> {
        use serde_json::Value;
        let expected = r#"expected {"staff": {"<id>": {"name": "...", "email": "...", "job_title": "... (optional)"}}, "unlisted": {"name": "...", "email": "..."}}"#;
        let value: Value =
            serde_json::from_str(text).map_err(|e| format!("not JSON: {e}; {expected}"))?;
        let Value::Object(top) = value else {
            return Err(expected.into());
        };
        type Entry = (String, String, Option<String>);
        let person = |id: &str, v: &Value| -> Result<Entry, String> {
            let field = |key: &str| {
                v.get(key)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{id:?}: \"{key}\" is required; {expected}"))
            };
            let job_title = match v.get("job_title") {
                None | Some(Value::Null) => None,
                Some(Value::String(title)) => Some(title.clone()),
                Some(_) => return Err(format!("{id:?}: \"job_title\" must be text; {expected}")),
            };
            Ok((field("name")?, field("email")?, job_title))
        };
        let mut directory = Self::default();
        for (key, v) in &top {
            match (key.as_str(), v) {
                ("staff", Value::Object(staff)) => {
                    for (id, entry) in staff {
                        if id.trim() == UNLISTED {
                            return Err(
                                "the unlisted mailbox is given as \"unlisted\", not as staff id \"*\""
                                    .into(),
                            );
                        }
                        let (name, email, job_title) = person(id, entry)?;
                        directory.insert(id, &name, &email, job_title)?;
                    }
                }
                ("unlisted", entry) => {
                    let (name, email, job_title) = person("unlisted", entry)?;
                    directory.insert(UNLISTED, &name, &email, job_title)?;
                }
                (other, _) => return Err(format!("{other:?} is not expected; {expected}")),
            }
        }
        Ok(directory)
    }

    fn insert(
        &mut self,
        id: &str,
        name: &str,
        email: &str,
        job_title: Option<String>,
    ) -> Result<(), String> {
        let (id, name, email) = (id.trim(), name.trim(), email.trim());
        if id.is_empty() || name.is_empty() {
            return Err(format!("{id:?}: a staff id and a name are required"));
        }
        if !email.contains('@') {
            return Err(format!("{id:?}: {email:?} is not an email address"));
        }
        let member = Member {
            id: id.to_owned(),
            name: name.to_owned(),
            email: email.to_owned(),
            job_title: job_title
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty()),
        };
        if id == UNLISTED {
            self.unlisted = Some(member);
        } else {
            self.staff.insert(id.to_owned(), member);
        }
        Ok(())
    }

    /// The member of staff with this id; never the unlisted mailbox.
    pub fn get(&self, staff_id: &str) -> Option<&Member> {
        self.staff.get(staff_id)
    }

    /// Where letters for staff the directory does not list go, if anywhere.
    pub fn unlisted(&self) -> Option<&Member> {
        self.unlisted.as_ref()
    }

    /// Every member of staff (not the mailbox), by name then id.
    pub fn members(&self) -> Vec<&Member> {
        let mut all: Vec<&Member> = self.staff.values().collect();
        all.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
        all
    }

    pub fn is_empty(&self) -> bool {
        self.staff.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_read_and_a_job_title_is_optional() {
        let json = Directory::parse(
            r#"{"staff": {"handler-1": {"name": "Hannah Hughes", "email": "h@example.org", "job_title": "Complaints handler"},
                          "manager-1": {"name": "Maria Moss", "email": "m@example.org"}},
                "unlisted": {"name": "Customer Services team", "email": "cs@example.org"}}"#,
        )
        .unwrap();
        let hannah = json.get("handler-1").unwrap();
        assert_eq!(hannah.name, "Hannah Hughes");
        assert_eq!(hannah.job_title.as_deref(), Some("Complaints handler"));
        assert_eq!(json.get("manager-1").unwrap().job_title, None);
        assert_eq!(json.unlisted().unwrap().id, UNLISTED);
        assert!(json.get(UNLISTED).is_none(), "the mailbox is nobody's id");
        let names: Vec<&str> = json.members().iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["Hannah Hughes", "Maria Moss"]);

        let old = Directory::parse(
            "handler-1|Hannah Hughes|hannah@example.org;*|Customer Services team|cs@example.org",
        )
        .unwrap();
        assert_eq!(old.get("handler-1").unwrap().name, "Hannah Hughes");
        assert_eq!(old.unlisted().unwrap().email, "cs@example.org");
        assert!(Directory::parse("").unwrap().is_empty());
    }

    #[test]
    fn a_broken_entry_is_refused_with_what_was_expected() {
        assert!(
            Directory::parse("handler-1|Hannah Hughes")
                .unwrap_err()
                .contains("expected id|Name|email")
        );
        assert!(
            Directory::parse(r#"{"staff": {"h": {"name": "H"}}}"#)
                .unwrap_err()
                .contains("\"email\" is required")
        );
        assert!(
            Directory::parse(r#"{"staff": {"h": {"name": "H", "email": "h@x", "job_title": 3}}}"#)
                .unwrap_err()
                .contains("job_title")
        );
        assert!(Directory::parse(r#"{"people": {}}"#).is_err());
        assert!(Directory::parse(r#"{"staff": {"*": {"name": "M", "email": "m@x"}}}"#).is_err());
    }
}
