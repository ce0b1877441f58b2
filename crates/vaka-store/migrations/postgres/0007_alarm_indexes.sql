-- Indexes no query uses, each costing a page write per event in a group commit of the alarm
-- receiver (measured: ~18 KB of SQLite WAL per event with them; docs/PERFORMANCE.md).
DROP INDEX alarm_messages_device;
DROP INDEX alarms_client;
