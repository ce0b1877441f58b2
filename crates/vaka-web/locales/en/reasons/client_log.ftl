client-log-ends-before-start = the period ends before it starts
client-log-starts-in-future = the period starts after today
client-log-too-long = one extract covers at most { $years } years
client-log-incident-needs-reason = give the reason when the extract is asked for after an incident
client-log-choose-requester = choose who asked for the extract
client-log-date-format = write the date as YYYY-MM-DD
