//! `compliment`: positive feedback about a team or a person, passed to the
//! configured managers (R-POS-1).

use crate::cli::ComplimentArgs;
use crate::clients::Clients;
use crate::error::Error;
use crate::output::{Output, fields};
use complaints_proto::v1 as pb;
use serde_json::json;

pub async fn run(clients: &Clients, args: ComplimentArgs) -> Result<Output, Error> {
    let key = args
        .idempotency_key
        .unwrap_or_else(|| format!("complaintsctl-{}", uuid::Uuid::new_v4()));
    let from = pb::Person {
        first_name: args.first_name.unwrap_or_default(),
        last_name: args.last_name.unwrap_or_default(),
        email: args.email.unwrap_or_default(),
        telephone: args.telephone.unwrap_or_default(),
        postal_address: None,
    };
    let anonymous = from.first_name.is_empty()
        && from.last_name.is_empty()
        && from.email.is_empty()
        && from.telephone.is_empty();
    let receipt = clients
        .intake()?
        .submit_compliment(pb::SubmitComplimentRequest {
            idempotency_key: key.clone(),
            channel: pb::Channel::from(args.channel) as i32,
            team: args.team,
            about_person: args.about.unwrap_or_default(),
            message: args.message,
            from: (!anonymous).then_some(from),
        })
        .await
        .map_err(Error::from("intake"))?
        .into_inner();
    let json = json!({
        "compliment_id": receipt.compliment_id,
        "reference": receipt.reference,
        "routed_to": receipt.routed_to,
        "idempotency_key": key,
    });
    let text = fields(&[
        ("compliment", receipt.compliment_id.clone()),
        ("reference", receipt.reference.clone()),
        ("passed to", receipt.routed_to.join(", ")),
        ("idempotency key", key),
    ]);
    Ok(Output::new(json, text))
}
