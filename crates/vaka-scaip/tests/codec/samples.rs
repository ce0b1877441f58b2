//! The public wire samples (research §6 and §8.7) and vendor variants.

use vaka_scaip::{
    CallerChannel, ChannelKind, DeviceType, EventKind, EventMap, LocationCode, MessageType,
    Request, Response, ResponseCode, StatusCode, XmlError,
};

fn parse(xml: &str) -> Request {
    Request::parse(xml.as_bytes()).unwrap_or_else(|e| panic!("{xml}: {e}"))
}

fn refused(xml: &[u8]) -> (XmlError, Option<String>) {
    let e = Request::parse(xml).unwrap_err();
    (e.error, e.reference)
}

#[test]
fn essence_heartbeat() {
    let r = parse(
        "<mrq><ref>00001A85</ref><cha>0</cha><mty>PI</mty><cid>26317</cid><dty>02</dty><did>00</did><crd>no-voice:</crd><stc>102</stc></mrq>",
    );
    assert_eq!(r.reference, "00001A85");
    assert_eq!(r.message_type, MessageType::Heartbeat);
    assert_eq!(r.controller_id, "26317");
    assert_eq!(r.device_type, DeviceType::LOCAL_UNIT_AND_CONTROLLER);
    assert_eq!(r.device_id.as_deref(), Some("00"));
    assert_eq!(r.status, StatusCode::TEST_PRIMARY);
    assert_eq!(r.caller[0].kind, ChannelKind::NoVoice);
    assert!(!r.wants_voice());
    assert_eq!(EventMap::default().classify(&r), EventKind::Heartbeat);
}

#[test]
fn telealarm_alarm_and_heartbeat() {
    let r = parse(
        "<mrq><ref>lmepivnFqmI8Jvv1</ref><cid>999998</cid><dty>0002</dty><mty>ME</mty><stc>0067</stc><crd>gsm:</crd><cha>0</cha></mrq>",
    );
    assert_eq!(r.status, StatusCode::MALFUNCTION);
    assert_eq!(
        r.caller,
        [CallerChannel {
            kind: ChannelKind::Gsm,
            address: String::new()
        }]
    );
    assert!(r.wants_voice());
    assert_eq!(EventMap::default().classify(&r), EventKind::Technical);

    let pi = parse(
        "<mrq><ref>v6l7eiuzBTfybE7j</ref><cid>999998</cid><dty>0002</dty><mty>PI</mty><stc>0009</stc><lco>002</lco><crd>gsm:</crd><cha>0</cha></mrq>",
    );
    assert_eq!(pi.location, LocationCode::HOME);
    // Telealarm's heartbeat carries stc 0009 (automatic alarm): mty PI wins.
    assert_eq!(EventMap::default().classify(&pi), EventKind::Heartbeat);
}

#[test]
fn possum_heartbeat_with_only_the_required_elements() {
    let r = parse("<mrq><mty>PI</mty><ref>1998218577</ref><cid>10149471</cid><dty>2</dty></mrq>");
    assert_eq!(r.device_type, DeviceType(2));
    assert_eq!(r.status, StatusCode::MANUAL_ALARM, "default stc");
    assert_eq!(EventMap::default().classify(&r), EventKind::Heartbeat);
}

#[test]
fn doro_alarm_with_a_space_in_cid() {
    let r = parse(
        "<mrq><ref>803137200003</ref><mty>ME</mty><cid> 8031372</cid><dty>0004</dty><stc>0010</stc><crd>gsm:+</crd></mrq>",
    );
    assert_eq!(r.controller_id, "8031372");
    assert_eq!(r.device_type, DeviceType::FIXED_TRIGGER);
    assert_eq!(r.caller[0].address, "+");
    assert_eq!(EventMap::default().classify(&r), EventKind::Personal);
}

#[test]
fn padding_order_case_and_whitespace_do_not_matter() {
    let variants = [
        "<mrq><ref>A1</ref><cid>42</cid><dty>5</dty><stc>9</stc></mrq>",
        "<mrq><stc>0009</stc><dty>0005</dty><cid>42</cid><ref>A1</ref></mrq>",
        "<mrq><ref>A1</ref><cid>42</cid><dty>05</dty><stc>009</stc></mrq>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<mrq>\r\n  <ref> A1 </ref>\r\n  <cid>42</cid>\r\n  <dty>\t5</dty>\r\n  <stc>9 </stc>\r\n</mrq>\r\n",
        "<MRQ><REF>A1</REF><CID>42</CID><DTY>5</DTY><STC>9</STC></MRQ>",
        "<mrq><ref>A1</ref><cid>42</cid><dty>5</dty><stc>9</stc><lco></lco><crd/></mrq>",
    ];
    for v in variants {
        let r = parse(v);
        assert_eq!(
            (
                r.reference.as_str(),
                r.controller_id.as_str(),
                r.device_type,
                r.status
            ),
            (
                "A1",
                "42",
                DeviceType::FALL_DETECTOR,
                StatusCode::AUTOMATIC_ALARM
            ),
            "{v}"
        );
        assert_eq!(EventMap::default().classify(&r), EventKind::Fall);
    }
}

#[test]
fn all_elements_of_research_8_3() {
    let r = parse(
        "<mrq><ref>R9</ref><ver>01.00</ver><mty>IN</mty><cid>7</cid><dty>0023</dty><did>P1</did>\
         <dco>002</dco><dte>Brand X 2.1</dte><hbo>001</hbo><sco>0</sco><pri>1</pri><stc>0011</stc>\
         <crd>sip:7@dev.example</crd><crd>tel:+4611111</crd><cha>1</cha><lco>021</lco><lva>3</lva>\
         <lte>Kitchen</lte><lge><geo>59.3293,18.0686</geo><tim>2026-12-04T21:00:00Z</tim>\
         <gga>$GPGGA,210000,5919.76,N,01804.12,E,1,08,0.9,10.0,M,,,,</gga></lge><stt>smoke</stt>\
         <ico>012</ico><ite>info</ite><ame>1</ame><mreq>1</mreq><xyz>vendor</xyz></mrq>",
    );
    assert_eq!(r.version.as_deref(), Some("01.00"));
    assert_eq!(r.message_type, MessageType::Information);
    assert_eq!(r.device_id.as_deref(), Some("P1"));
    assert_eq!(r.component.map(|c| c.0), Some(2));
    assert_eq!(r.device_text.as_deref(), Some("Brand X 2.1"));
    assert_eq!(r.heartbeat_options.as_deref(), Some("001"));
    assert_eq!(
        (r.system_config, r.priority, r.call_handling),
        (Some(0), 1, 1)
    );
    assert_eq!(r.caller.len(), 2);
    assert_eq!(r.location.name(), Some("kitchen"));
    assert_eq!(r.location_value.as_deref(), Some("3"));
    assert_eq!(r.location_text.as_deref(), Some("Kitchen"));
    let p = r.position.as_ref().unwrap();
    assert_eq!(p.geo.as_deref(), Some("59.3293,18.0686"));
    assert!(p.gga.as_deref().unwrap().starts_with("$GPGGA"));
    assert_eq!(r.status_text.as_deref(), Some("smoke"));
    assert_eq!(
        (r.info_code, r.info_text.as_deref()),
        (Some(12), Some("info"))
    );
    assert_eq!(r.additional_message, Some(1));
    assert_eq!(r.unknown, [("xyz".to_owned(), "vendor".to_owned())]);
    assert_eq!(EventMap::default().classify(&r), EventKind::Sensor);
    // What we write parses back to the same request.
    assert_eq!(Request::parse(r.to_xml().as_bytes()).unwrap(), r);
}

#[test]
fn missing_required_elements_are_refused_with_the_ref_when_known() {
    assert_eq!(
        refused(b"<mrq><cid>1</cid><dty>2</dty></mrq>"),
        (XmlError::Missing("ref"), None)
    );
    assert_eq!(
        refused(b"<mrq><ref></ref><cid>1</cid><dty>2</dty></mrq>"),
        (XmlError::Missing("ref"), None)
    );
    assert_eq!(
        refused(b"<mrq><ref>9</ref><dty>2</dty></mrq>"),
        (XmlError::Missing("cid"), Some("9".into()))
    );
    assert_eq!(
        refused(b"<mrq><ref>9</ref><cid>1</cid></mrq>"),
        (XmlError::Missing("dty"), Some("9".into()))
    );
    let e = Request::parse(b"<mrq><ref>9</ref><cid>1</cid></mrq>").unwrap_err();
    assert_eq!(e.response_code(), ResponseCode::MANDATORY_TAG_MISSING);
    assert_eq!(
        Response::refusal(&e).unwrap().to_xml(),
        "<mrs><ref>9</ref><snu>7</snu><ste>the mandatory element &lt;dty&gt; is missing</ste></mrs>"
    );
}

#[test]
fn bad_values_are_refused() {
    let cases: &[(&str, XmlError)] = &[
        (
            "<mrq><ref>a b</ref><cid>1</cid><dty>2</dty></mrq>",
            XmlError::Invalid("ref"),
        ),
        (
            "<mrq><ref>1</ref><cid>1-2</cid><dty>2</dty></mrq>",
            XmlError::Invalid("cid"),
        ),
        (
            "<mrq><ref>1</ref><cid>1</cid><dty>x</dty></mrq>",
            XmlError::Invalid("dty"),
        ),
        (
            "<mrq><ref>1</ref><cid>1</cid><dty>12345</dty></mrq>",
            XmlError::Invalid("dty"),
        ),
        (
            "<mrq><ref>1</ref><cid>1</cid><dty>2</dty><stc>-1</stc></mrq>",
            XmlError::Invalid("stc"),
        ),
        (
            "<mrq><ref>1</ref><cid>1</cid><dty>2</dty><mty>XX</mty></mrq>",
            XmlError::Invalid("mty"),
        ),
        (
            "<mrq><ref>1</ref><cid>1</cid><dty>2</dty><cha>12</cha></mrq>",
            XmlError::Invalid("cha"),
        ),
        (
            "<mrq><ref>1</ref><cid>1</cid><dty>2</dty><lco>1000</lco></mrq>",
            XmlError::Invalid("lco"),
        ),
        (
            "<mrq><ref>1</ref><cid>1</cid><cid>2</cid><dty>2</dty></mrq>",
            XmlError::Duplicate("cid"),
        ),
    ];
    for (xml, want) in cases {
        let e = Request::parse(xml.as_bytes()).unwrap_err();
        assert_eq!(&e.error, want, "{xml}");
        assert_eq!(
            e.reference.as_deref().is_some(),
            !xml.contains("a b"),
            "{xml}"
        );
    }
    let e = Request::parse(cases[2].0.as_bytes()).unwrap_err();
    assert_eq!(e.response_code(), ResponseCode::WRONG_DATA_CONTENT);
}

#[test]
fn long_free_texts_are_cut_not_refused() {
    let xml = format!(
        "<mrq><ref>1</ref><cid>1</cid><dty>2</dty><dte>{}</dte></mrq>",
        "d".repeat(500)
    );
    assert_eq!(parse(&xml).device_text.unwrap().len(), 64);
}

#[test]
fn dtd_entities_non_xml_and_oversized_bodies_are_refused() {
    let billion_laughs = br#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<mrq><ref>&lol2;</ref><cid>1</cid><dty>2</dty></mrq>"#;
    assert_eq!(refused(billion_laughs), (XmlError::Doctype, None));
    let xxe = br#"<?xml version="1.0"?><!DOCTYPE mrq [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><mrq><ref>1</ref><cid>1</cid><dty>2</dty><dte>&xxe;</dte></mrq>"#;
    assert_eq!(refused(xxe), (XmlError::Doctype, None));
    let external_dtd = br#"<!DOCTYPE mrq SYSTEM "http://evil.example/x.dtd"><mrq/>"#;
    assert_eq!(refused(external_dtd).0, XmlError::Doctype);
    assert_eq!(
        refused(b"<mrq><ref>1</ref><cid>1</cid><dty>2</dty><dte>&xxe;</dte></mrq>").0,
        XmlError::Entity("xxe".into())
    );
    assert_eq!(refused(b"ref=1&cid=2").0, XmlError::NotXml);
    assert_eq!(refused(b"").0, XmlError::NotXml);
    assert_eq!(refused(b"<mrq><ref>1\xff</ref></mrq>").0, XmlError::NotUtf8);
    let e = Request::parse(&vec![b' '; vaka_scaip::MAX_BODY_LEN + 1]).unwrap_err();
    assert_eq!(e.response_code(), ResponseCode::MESSAGE_TOO_LONG);
}

#[test]
fn truncated_bodies_are_refused_at_every_length() {
    let full = b"<mrq><ref>803137200003</ref><mty>ME</mty><cid> 8031372</cid><dty>0004</dty><stc>0010</stc><crd>gsm:+</crd></mrq>";
    for cut in 0..full.len() {
        assert!(Request::parse(&full[..cut]).is_err(), "cut at {cut}");
    }
    assert!(Request::parse(full).is_ok());
}
