//! The scripts behind `make up`, `make down` and `make reset`, run for real
//! against their own database and bus namespace.

use crate::deploy_files::files::repo;

/// `make reset` drops the four schemas and deletes the namespace's event
/// and dead-letter streams, so the next `make up` starts empty; it leaves
/// other schemas alone.
#[tokio::test]
async fn make_reset_clears_the_four_schemas_and_the_namespaces_streams() {
    let admin = sqlx::PgPool::connect("postgres://postgres@127.0.0.1:5432/postgres")
        .await
        .unwrap();
    let database = format!("reset_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {database}"))
        .execute(&admin)
        .await
        .unwrap();
    let url = format!("postgres://postgres@127.0.0.1:5432/{database}");
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    for schema in ["intake", "complaints", "notifications", "reporting", "keep"] {
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE TABLE {schema}.events (id int)"))
            .execute(&pool)
            .await
            .unwrap();
    }
    let settings = bus::testing::fresh_settings("reset");
    let bus = bus::Bus::connect(&settings).await.unwrap();
    assert!(bus.jetstream().get_stream(bus.stream_name()).await.is_ok());

    let output = tokio::process::Command::new("bash")
        .arg(repo().join("deploy/local/reset.sh"))
        .env("DATABASE_URL", &url)
        .env("BUS_NAMESPACE", settings.namespace.as_str())
        .output()
        .await
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");

    let left: Vec<String> = sqlx::query_scalar(
        "SELECT schema_name::text FROM information_schema.schemata \
         WHERE schema_name IN ('intake', 'complaints', 'notifications', 'reporting', 'keep')",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(left, vec!["keep".to_owned()], "{said}");
    for stream in [bus.stream_name(), bus.dead_letter_stream_name()] {
        assert!(
            bus.jetstream().get_stream(&stream).await.is_err(),
            "{stream} deleted: {said}"
        );
    }
    pool.close().await;
    sqlx::query(&format!("DROP DATABASE {database} WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
}
