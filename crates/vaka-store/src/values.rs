//! Database value types that both backends store alike from Rust's point of view.
//!
//! Instants are stored as INTEGER microseconds since the Unix epoch in SQLite (so that numeric
//! order is time order) and as `timestamptz` in PostgreSQL. Both hold microsecond precision, so
//! a value reads back exactly as written, which the audit hash chain depends on.

use jiff::Timestamp;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueFormat, PgValueRef, Postgres};
use sqlx::sqlite::{Sqlite, SqliteArgumentsBuffer, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Type};

/// A UTC instant with microsecond precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DbInstant(pub Timestamp);

/// Microseconds between 1970-01-01 and 2000-01-01, PostgreSQL's epoch.
const PG_EPOCH_OFFSET_MICROS: i64 = 946_684_800_000_000;
const TIMESTAMPTZ_OID: Oid = Oid(1184);

impl DbInstant {
    /// Truncates to whole microseconds, the precision both databases keep.
    pub fn new(ts: Timestamp) -> Self {
        Self(micros_to_ts(ts.as_microsecond()).unwrap_or(ts))
    }

    pub fn micros(&self) -> i64 {
        self.0.as_microsecond()
    }
}

impl From<Timestamp> for DbInstant {
    fn from(ts: Timestamp) -> Self {
        Self::new(ts)
    }
}

impl From<DbInstant> for Timestamp {
    fn from(d: DbInstant) -> Self {
        d.0
    }
}

/// Truncates a timestamp to microseconds, as it will read back from the database.
pub fn to_db_precision(ts: Timestamp) -> Timestamp {
    DbInstant::new(ts).0
}

fn micros_to_ts(us: i64) -> Result<Timestamp, BoxDynError> {
    Timestamp::from_microsecond(us).map_err(|e| format!("instant out of range: {e}").into())
}

impl Type<Sqlite> for DbInstant {
    fn type_info() -> SqliteTypeInfo {
        <i64 as Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <i64 as Type<Sqlite>>::compatible(ty)
    }
}

impl Encode<'_, Sqlite> for DbInstant {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        <i64 as Encode<'_, Sqlite>>::encode(self.micros(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for DbInstant {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let us = <i64 as Decode<'r, Sqlite>>::decode(value)?;
        Ok(Self(micros_to_ts(us)?))
    }
}

impl Type<Postgres> for DbInstant {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(TIMESTAMPTZ_OID)
    }
}

impl Encode<'_, Postgres> for DbInstant {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        let since_pg_epoch = self
            .micros()
            .checked_sub(PG_EPOCH_OFFSET_MICROS)
            .ok_or("instant out of range for PostgreSQL")?;
        <i64 as Encode<'_, Postgres>>::encode(since_pg_epoch, buf)
    }

    fn size_hint(&self) -> usize {
        8
    }
}

impl<'r> Decode<'r, Postgres> for DbInstant {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        match value.format() {
            PgValueFormat::Binary => {
                let us = <i64 as Decode<'r, Postgres>>::decode(value)?;
                let unix = us
                    .checked_add(PG_EPOCH_OFFSET_MICROS)
                    .ok_or("instant out of range")?;
                Ok(Self(micros_to_ts(unix)?))
            }
            PgValueFormat::Text => {
                // e.g. "2026-11-22 12:00:00.123456+00" (only seen with the simple query protocol).
                let s = value.as_str()?.replacen(' ', "T", 1);
                let s = if s.ends_with("+00") {
                    format!("{s}:00")
                } else {
                    s
                };
                Ok(Self(s.parse::<Timestamp>()?))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_to_micros() {
        let ts = Timestamp::new(1_700_000_000, 123_456_789).unwrap();
        assert_eq!(
            DbInstant::new(ts).0,
            Timestamp::new(1_700_000_000, 123_456_000).unwrap()
        );
        assert_eq!(DbInstant::new(ts).micros(), 1_700_000_000_123_456);
    }
}

/// A calendar date (no time zone): `TEXT 'YYYY-MM-DD'` in SQLite (text order is date order),
/// `date` in PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DbDate(pub jiff::civil::Date);

const DATE_OID: Oid = Oid(1082);

fn pg_epoch() -> jiff::civil::Date {
    jiff::civil::date(2000, 1, 1)
}

impl From<jiff::civil::Date> for DbDate {
    fn from(d: jiff::civil::Date) -> Self {
        Self(d)
    }
}

impl Type<Sqlite> for DbDate {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl Encode<'_, Sqlite> for DbDate {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        <String as Encode<'_, Sqlite>>::encode(self.0.to_string(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for DbDate {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let s = <&str as Decode<'r, Sqlite>>::decode(value)?;
        Ok(Self(s.parse()?))
    }
}

impl Type<Postgres> for DbDate {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(DATE_OID)
    }
}

impl Encode<'_, Postgres> for DbDate {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        let days = pg_epoch().until(self.0)?.get_days();
        <i32 as Encode<'_, Postgres>>::encode(days, buf)
    }

    fn size_hint(&self) -> usize {
        4
    }
}

impl<'r> Decode<'r, Postgres> for DbDate {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        match value.format() {
            PgValueFormat::Binary => {
                let days = <i32 as Decode<'r, Postgres>>::decode(value)?;
                Ok(Self(pg_epoch().checked_add(jiff::Span::new().days(days))?))
            }
            PgValueFormat::Text => Ok(Self(value.as_str()?.parse()?)),
        }
    }
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn pg_day_numbers() {
        assert_eq!(
            pg_epoch()
                .until(jiff::civil::date(2000, 1, 2))
                .unwrap()
                .get_days(),
            1
        );
        assert_eq!(
            pg_epoch()
                .until(jiff::civil::date(1999, 12, 31))
                .unwrap()
                .get_days(),
            -1
        );
        // Leap day arithmetic: 2000-01-01 to 2026-11-22.
        assert_eq!(
            pg_epoch()
                .until(jiff::civil::date(2026, 11, 22))
                .unwrap()
                .get_days(),
            9822
        );
    }
}
