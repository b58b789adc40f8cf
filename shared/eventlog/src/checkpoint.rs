//! Named positions of readers that follow the log in commit order.

use crate::event::Position;
use crate::{Error, EventLog, ResultExt};
use sqlx::PgConnection;

impl EventLog {
    /// Where the reader `name` got to, or the start if it never ran.
    pub async fn checkpoint(&self, name: &str) -> Result<Position, Error> {
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT transaction_id, global_position FROM checkpoints WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(&self.pool)
        .await
        .context(format!("reading checkpoint {name}"))?;
        Ok(
            row.map_or(Position::START, |(transaction_id, global_position)| {
                Position {
                    transaction_id,
                    global_position,
                }
            }),
        )
    }

    /// Records that the reader `name` has dealt with everything up to `position`.
    pub async fn save_checkpoint(&self, name: &str, position: Position) -> Result<(), Error> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .context("acquiring a connection")?;
        save_checkpoint_in(&mut conn, name, position).await
    }
}

/// Saves a checkpoint inside the caller's transaction, so a projection's
/// rows and its position commit together.
pub async fn save_checkpoint_in(
    conn: &mut PgConnection,
    name: &str,
    position: Position,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO checkpoints (name, transaction_id, global_position) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE
            SET transaction_id = EXCLUDED.transaction_id,
                global_position = EXCLUDED.global_position,
                updated_at = now()",
    )
    .bind(name)
    .bind(position.transaction_id)
    .bind(position.global_position)
    .execute(conn)
    .await
    .context(format!("saving checkpoint {name}"))?;
    Ok(())
}
