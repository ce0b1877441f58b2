//! Missed signings: the server's scan for occasions whose window closed unsigned, the calls
//! of each unit's escalation ladder, and the notices (e-mail) they send.
