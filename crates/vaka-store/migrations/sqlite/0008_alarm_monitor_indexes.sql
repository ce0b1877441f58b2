-- The alarm monitor's scans read what may be due instead of every open alarm (after a flood of
-- hundreds of thousands of open alarms, each scan took seconds every 10 s). All three indexes
-- stay small: an alarm leaves the first one when it is taken or escalated, the second when it
-- is acknowledged or escalated; the third holds only the alarms Vaka raised itself.
CREATE INDEX alarms_untaken ON alarms (received_at)
    WHERE state = 'received' AND NOT escalated_not_taken;
CREATE INDEX alarms_unacknowledged ON alarms (dispatched_at)
    WHERE state = 'dispatched' AND NOT escalated_not_acknowledged;
CREATE INDEX alarms_system ON alarms (category, account)
    WHERE state <> 'closed' AND message_id IS NULL;
-- A restore finds the device's open technical alarm of its category here. Only technical alarms
-- (battery, mains, link: conditions that last and that a restore ends) are in it: an index by
-- device over every open alarm is written at as many places as a group commit has devices,
-- which under a flood of open personal alarms was most of the receiver's write cost
-- (docs/PERFORMANCE.md). A restore of a personal, fall or sensor alarm looks among the newest
-- open alarms instead.
DROP INDEX alarms_device;
CREATE INDEX alarms_device ON alarms (device_id, category)
    WHERE state <> 'closed' AND kind = 'technical';
