use crate::helpers::Stack;
use complaints_proto::v1 as pb;

fn compliment(key: &str, team: &str) -> pb::SubmitComplimentRequest {
    pb::SubmitComplimentRequest {
        idempotency_key: key.into(),
        channel: pb::Channel::Email as i32,
        team: team.into(),
        about_person: "Sam in the contact centre".into(),
        message: "Sam sorted out my exam booking in one call.".into(),
        from: None,
    }
}

/// R-POS-1: compliments received through intake are counted by team in
/// the figures, so good practice can be recognised; who and what stay
/// with intake.
#[tokio::test]
async fn r_pos_1_compliments_are_counted_by_team_in_the_figures() {
    let mut stack = Stack::spawn().await;
    for (key, team) in [
        ("c-1", "Customer Services"),
        ("c-2", "Customer Services"),
        ("c-3", "Finance"),
    ] {
        stack
            .intake
            .submit_compliment(compliment(key, team))
            .await
            .unwrap();
    }
    let figures = stack
        .figures_when(|f| f.compliments_by_team.values().sum::<u64>() == 3)
        .await;
    assert_eq!(
        figures.compliments_by_team.get("Customer Services"),
        Some(&2)
    );
    assert_eq!(figures.compliments_by_team.get("Finance"), Some(&1));
    assert_eq!(
        figures.complaints_received, 0,
        "a compliment is no complaint"
    );
    stack.cleanup().await;
}
