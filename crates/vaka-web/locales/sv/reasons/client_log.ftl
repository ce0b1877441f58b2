client-log-ends-before-start = perioden slutar innan den börjar
client-log-starts-in-future = perioden börjar efter i dag
client-log-too-long = ett utdrag omfattar högst { $years } år
client-log-incident-needs-reason = ange orsaken när utdraget begärs efter en händelse
client-log-choose-requester = välj vem som begärt utdraget
client-log-date-format = skriv datumet som ÅÅÅÅ-MM-DD
