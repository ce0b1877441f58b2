# Delegated health-care tasks: licences, delegations, prescriptions, signing lists, missed
# signings, deviations.

audit_action-delegation-licence = Legitimation ändrad
audit_action-delegation-task_type = Insatstyp ändrad
audit_action-delegation-create = Delegering beslutad
audit_action-delegation-sign = Delegering signerad
audit_action-delegation-revoke = Delegering återkallad
audit_action-delegation-read = Delegeringar visade
audit_action-delegation-remind = Påminnelse om delegering skickad
audit_action-prescription-create = Ordination registrerad
audit_action-prescription-end = Ordination avslutad
audit_action-prescription-read = Ordinationer visade
audit_action-signing-list = Signeringslista visad
audit_action-signing-sign = Insats signerad
audit_action-signing-effect = Effekt av vid behov-insats noterad
audit_action-signing-history = Signeringshistorik visad
audit_action-signing-report = Signeringsrapport visad
audit_action-signing-missed_call = Larmad om missad signering
audit_action-signing-missed_read = Missade signeringar visade
audit_action-deviation-close = Avvikelse avslutad
audit_action-signing-ladder = Eskaleringstrappa ändrad
