-- SCAIP (SS 91100) alarm units: a device may have a SCAIP controller id (`cid`), unique like a
-- DC-09 account, and a SIP digest password, sealed like the DC-09 key
-- (`v1:<key id>:<base64>`, see vaka-store/src/sealed.rs). An alarm keeps the caller channel
-- (`crd`: `gsm:+46…`, `no-voice:`) its SCAIP message named, so the operator can call back.
ALTER TABLE devices ADD COLUMN scaip_cid TEXT;
ALTER TABLE devices ADD COLUMN scaip_password TEXT;
CREATE UNIQUE INDEX devices_scaip_cid ON devices (scaip_cid) WHERE scaip_cid IS NOT NULL;
ALTER TABLE alarms ADD COLUMN caller TEXT;
