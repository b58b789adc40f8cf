//! The requests whose fields map one to one onto their command. Each field
//! cites the rule its command serves; where the domain's rule depends on
//! the complaint's state (the stage), the edge cites the rule that states
//! the requirement.

use super::fields::{Fields, IDENTIFIERS};
use super::vocabulary;
use super::{Acting, FieldViolation, IntoCommand};
use crate::domain::Command;
use crate::domain::command::*;
use crate::domain::types::{ActionId, ActionKind, DeadlineKind, Stage};
use complaints_proto::v1 as pb;

type Parsed = Result<(Acting, Command), Vec<FieldViolation>>;

/// The domain cites allocation by stage (R-S1-1, R-S2-3, R-S3-3); the edge
/// does not know the stage, so it cites R-S2-3, allocation to the relevant
/// person.
const ALLOCATION: &str = "R-S2-3";

impl IntoCommand for pb::AssignHandlerRequest {
    fn into_command(self) -> Parsed {
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let staff = f.staff("handler", IDENTIFIERS, &self.handler);
        let team = f.team("team", ALLOCATION, &self.team);
        let role = f.choice(
            "role",
            ALLOCATION,
            "handler role",
            self.role,
            vocabulary::role,
        );
        f.finish(|| {
            let c = AssignHandler {
                staff: staff?,
                team: team?,
                role: role?,
            };
            Some((acting?, Command::AssignHandler(c)))
        })
    }
}

impl IntoCommand for pb::RecordContactRequest {
    fn into_command(self) -> Parsed {
        const RULE: &str = "R-INT-9";
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let at = f.instant("at", RULE, self.at);
        let method = f.choice(
            "method",
            RULE,
            "contact method",
            self.method,
            vocabulary::contact_method,
        );
        let summary = f.text("summary", RULE, &self.summary);
        f.finish(|| {
            let c = RecordContact {
                at: at?,
                method: method?,
                summary: summary?,
            };
            Some((acting?, Command::RecordContact(c)))
        })
    }
}

impl IntoCommand for pb::AgreeTimescaleRequest {
    fn into_command(self) -> Parsed {
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let due_on = f.date("due_on", "R-S1-2", self.due_on);
        f.finish(|| {
            let c = AgreeTimescale { due_on: due_on? };
            Some((acting?, Command::AgreeTimescale(c)))
        })
    }
}

/// R-S1-2 states the updates with revised timescales; the domain cites
/// R-S2-4 or R-S3-5 for the same at Stage 2 or 3.
impl IntoCommand for pb::RecordUpdateRequest {
    fn into_command(self) -> Parsed {
        const RULE: &str = "R-S1-2";
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let reason = f.text("reason", RULE, &self.reason);
        let revised = f.opt_date("revised_due_on", RULE, self.revised_due_on);
        f.finish(|| {
            let c = RecordUpdate {
                reason: reason?,
                revised_due_on: revised?,
            };
            Some((acting?, Command::RecordUpdate(c)))
        })
    }
}

impl IntoCommand for pb::ReferToLineManagerRequest {
    fn into_command(self) -> Parsed {
        const RULE: &str = "R-S1-3";
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let manager = f.staff("manager", RULE, &self.manager);
        let team = f.team("team", RULE, &self.team);
        f.finish(|| {
            let c = ReferToLineManager {
                manager: manager?,
                team: team?,
            };
            Some((acting?, Command::ReferToLineManager(c)))
        })
    }
}

impl IntoCommand for pb::DecideInvestigationRequest {
    fn into_command(self) -> Parsed {
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let reason = f.text("reason", "R-S3-3", &self.reason);
        f.finish(|| {
            let c = DecideInvestigation {
                warranted: self.warranted,
                reason: reason?,
            };
            Some((acting?, Command::DecideInvestigation(c)))
        })
    }
}

impl IntoCommand for pb::ExtendDeadlineRequest {
    fn into_command(self) -> Parsed {
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let kind = deadline_kind(&mut f, self.kind, self.stage);
        let rule = kind.map_or(IDENTIFIERS, rule_of);
        let due_on = f.date("due_on", rule, self.due_on);
        let reason = f.text("reason", rule, &self.reason);
        f.finish(|| {
            let c = ExtendDeadline {
                kind: kind?,
                due_on: due_on?,
                reason: reason?,
            };
            Some((acting?, Command::ExtendDeadline(c)))
        })
    }
}

/// A deadline kind from the wire: an escalation window needs the stage
/// whose outcome opened it (`stage`); other kinds ignore `stage`.
fn deadline_kind(f: &mut Fields, kind: i32, stage: i32) -> Option<DeadlineKind> {
    use pb::DeadlineKind as P;
    match P::try_from(kind) {
        Ok(P::FirstContact) => Some(DeadlineKind::FirstContact),
        Ok(P::AgreedTimescale) => Some(DeadlineKind::AgreedTimescale),
        Ok(P::Stage2Response) => Some(DeadlineKind::Stage2Response),
        Ok(P::Stage3Acknowledgement) => Some(DeadlineKind::Stage3Acknowledgement),
        Ok(P::Stage3Response) => Some(DeadlineKind::Stage3Response),
        Ok(P::EscalationWindow) => {
            let what = "stage whose outcome opened the escalation window";
            let stage = f.choice("stage", "R-S2-1", what, stage, vocabulary::stage);
            stage.map(DeadlineKind::EscalationWindow)
        }
        // No domain value: reported in the words of any other wrong choice.
        Ok(P::Unspecified) | Err(_) => {
            f.choice::<DeadlineKind>("kind", IDENTIFIERS, "deadline kind", kind, |_| None)
        }
    }
}

/// The rule a deadline enforces (the domain's own table is private to it).
fn rule_of(kind: DeadlineKind) -> &'static str {
    match kind {
        DeadlineKind::FirstContact => "R-S1-1",
        DeadlineKind::AgreedTimescale => "R-S1-2",
        DeadlineKind::Stage2Response => "R-S2-4",
        DeadlineKind::Stage3Acknowledgement => "R-S3-4",
        DeadlineKind::Stage3Response => "R-S3-5",
        DeadlineKind::EscalationWindow(Stage::One) => "R-S2-1",
        DeadlineKind::EscalationWindow(Stage::Two) => "R-S3-1",
        DeadlineKind::EscalationWindow(Stage::Three) => "R-S3-6",
    }
}

/// Improvement actions are action plans (R-MON-2); every other kind is a
/// follow-up tracked to completion (R-OUT-3), as the domain cites them.
impl IntoCommand for pb::AddActionRequest {
    fn into_command(self) -> Parsed {
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let kind = f.choice(
            "kind",
            "R-OUT-3",
            "action kind",
            self.kind,
            vocabulary::action_kind,
        );
        let rule = match kind {
            Some(ActionKind::Improvement) => "R-MON-2",
            _ => "R-OUT-3",
        };
        let description = f.text("description", rule, &self.description);
        let owner = f.staff("owner", rule, &self.owner);
        let due_on = f.date("due_on", rule, self.due_on);
        f.finish(|| {
            let c = AddAction {
                kind: kind?,
                description: description?,
                owner: owner?,
                due_on: due_on?,
            };
            Some((acting?, Command::AddAction(c)))
        })
    }
}

fn action_id(f: &mut Fields, raw: u32) -> Option<ActionId> {
    f.value("action_id", "R-OUT-3", ActionId::new(raw))
}

impl IntoCommand for pb::ReassignActionRequest {
    fn into_command(self) -> Parsed {
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let action = action_id(&mut f, self.action_id);
        let owner = f.staff("owner", "R-OUT-3", &self.owner);
        let reason = f.text("reason", "R-OUT-3", &self.reason);
        f.finish(|| {
            let c = ReassignAction {
                action: action?,
                owner: owner?,
                reason: reason?,
            };
            Some((acting?, Command::ReassignAction(c)))
        })
    }
}

impl IntoCommand for pb::CompleteActionRequest {
    fn into_command(self) -> Parsed {
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let action = action_id(&mut f, self.action_id);
        let note = f.opt_text("note", "R-OUT-3", &self.note);
        f.finish(|| {
            let c = CompleteAction {
                action: action?,
                note: note?,
            };
            Some((acting?, Command::CompleteAction(c)))
        })
    }
}

impl IntoCommand for pb::RecordRegulatorReferralRequest {
    fn into_command(self) -> Parsed {
        const RULE: &str = "R-REG-2";
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let regulator = f.name("regulator", RULE, &self.regulator);
        let referred_on = f.date("referred_on", RULE, self.referred_on);
        f.finish(|| {
            let c = RecordRegulatorReferral {
                regulator: regulator?,
                referred_on: referred_on?,
            };
            Some((acting?, Command::RecordRegulatorReferral(c)))
        })
    }
}

impl IntoCommand for pb::RestrictContactRequest {
    fn into_command(self) -> Parsed {
        const RULE: &str = "R-UPC-1";
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let reason = f.text("reason", RULE, &self.reason);
        let review_on = f.date("review_on", RULE, self.review_on);
        f.finish(|| {
            let c = RestrictContact {
                reason: reason?,
                review_on: review_on?,
            };
            Some((acting?, Command::RestrictContact(c)))
        })
    }
}

impl IntoCommand for pb::LiftRestrictionRequest {
    fn into_command(self) -> Parsed {
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let reason = f.text("reason", "R-UPC-1", &self.reason);
        f.finish(|| {
            let c = LiftRestriction { reason: reason? };
            Some((acting?, Command::LiftRestriction(c)))
        })
    }
}

/// R-S2-1 after a Stage 1 outcome, R-S3-1 after a Stage 2 one: the edge
/// cites the rule of the stage named (R-S2-1 when it names none). Only
/// Stage 1 or 2 is a stage here; the domain refuses Stage 3 (R-S3-6).
impl IntoCommand for pb::RecordReceiptByHandRequest {
    fn into_command(self) -> Parsed {
        let rule = if self.stage == pb::Stage::Stage2 as i32 {
            "R-S3-1"
        } else {
            "R-S2-1"
        };
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let stage = f.choice(
            "stage",
            rule,
            "stage whose outcome was received",
            self.stage,
            vocabulary::stage,
        );
        let received_on = f.date("received_on", rule, self.received_on);
        let reason = f.text("reason", rule, &self.reason);
        f.finish(|| {
            let acting = acting?;
            let c = RecordReceiptByHand {
                stage: stage?,
                received_on: received_on?,
                resent: self.resent,
                reason: reason?,
                recorded_by: acting.user.clone(),
            };
            Some((acting, Command::RecordReceiptByHand(c)))
        })
    }
}

/// R-CONF-3: an unspecified legal basis is refused here with the domain's
/// rule, so it is reported together with any other wrong field.
impl IntoCommand for pb::RecordDisclosureRequest {
    fn into_command(self) -> Parsed {
        const RULE: &str = "R-CONF-3";
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let recipient = f.name("recipient", RULE, &self.recipient);
        let legal_basis = f.choice(
            "legal_basis",
            RULE,
            "legal requirement (regulator, police, statutory body, legal adviser or insurer)",
            self.legal_basis,
            vocabulary::legal_basis,
        );
        let what = f.text("what", RULE, &self.what);
        let disclosed_on = f.date("disclosed_on", RULE, self.disclosed_on);
        f.finish(|| {
            let c = RecordDisclosure {
                recipient: recipient?,
                legal_basis: Some(legal_basis?),
                what: what?,
                disclosed_on: disclosed_on?,
            };
            Some((acting?, Command::RecordDisclosure(c)))
        })
    }
}

/// R-INT-5: `in_writing` is passed on as given; the domain refuses
/// permission that is not written.
impl IntoCommand for pb::RecordInformationPermissionRequest {
    fn into_command(self) -> Parsed {
        const RULE: &str = "R-INT-5";
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let third_party = f.name("third_party", RULE, &self.third_party);
        let scope = f.text("scope", RULE, &self.scope);
        let given_on = f.date("given_on", RULE, self.given_on);
        f.finish(|| {
            let c = RecordInformationPermission {
                third_party: third_party?,
                scope: scope?,
                given_on: given_on?,
                in_writing: self.in_writing,
            };
            Some((acting?, Command::RecordInformationPermission(c)))
        })
    }
}

impl IntoCommand for pb::ResolveOutsideProcedureRequest {
    fn into_command(self) -> Parsed {
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let how = f.text("how", "R-INT-7", &self.how);
        f.finish(|| {
            let c = ResolveOutsideProcedure { how: how? };
            Some((acting?, Command::ResolveOutsideProcedure(c)))
        })
    }
}
