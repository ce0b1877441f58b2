### Reasons about log review: vaka_domain::reason::LogReviewReason.
###
### Swedish. Every message here has the same id in locales/en/reasons/log_review.ftl, and every
### reason of the enum has a message (unit tests check both).

log-review-unmarked-entries = granskningen kan inte signeras förrän varje post är markerad: { $count } { $count ->
    [one] post är
   *[other] poster är
} inte markerade
log-review-follow-up-needs-note = en post som ska följas upp behöver en anteckning om vad som ska följas upp
log-review-signed = granskningen är signerad och kan inte ändras
log-review-may-not-review = du granskar bara loggarna för dina egna enheter
log-review-request-needs-subject = ange antingen en användare eller en brukare
log-review-request-needs-reason = ange varför granskningen behövs
log-review-bad-period = perioden måste sluta samma dag eller efter att den börjar och vara högst ett år
log-review-no-such-user = det finns ingen sådan användare bland dina enheter
log-review-no-such-client = det finns ingen sådan brukare bland dina enheter
log-review-no-such-entry = posten finns inte i granskningen
