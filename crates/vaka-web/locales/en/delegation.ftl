# Delegated health-care tasks: licences, delegations, prescriptions, signing lists, missed
# signings, deviations.

audit_action-delegation-licence = Licence changed
audit_action-delegation-task_type = Task type changed
audit_action-delegation-create = Delegation decided
audit_action-delegation-sign = Delegation signed
audit_action-delegation-revoke = Delegation revoked
audit_action-delegation-read = Delegations viewed
audit_action-delegation-remind = Delegation reminder sent
audit_action-prescription-create = Task prescribed
audit_action-prescription-end = Prescription ended
audit_action-prescription-read = Prescriptions viewed
audit_action-signing-list = Signing list viewed
audit_action-signing-sign = Task signed
audit_action-signing-effect = Effect of an as-needed task noted
audit_action-signing-history = Signing history viewed
audit_action-signing-report = Signing report viewed
audit_action-signing-missed_call = Called for a missed signing
audit_action-signing-missed_read = Missed signings viewed
audit_action-deviation-close = Deviation closed
audit_action-signing-ladder = Escalation ladder changed
