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
-- A restore names the device and the category, not the kind.
DROP INDEX alarms_device;
CREATE INDEX alarms_device ON alarms (device_id, category) WHERE state <> 'closed';
