// Helpers of the staff app's browser tests: a fake Web NFC reader, the demo's simulated door
// tag, reading a tag in the app, and today's visits as the server has them.
import assert from "node:assert/strict";

/** A fake Web NFC reader (as Chrome on Android has it), put in every page of a context before
 * the app's script runs: `window.__tap(serial, url)` fires `reading` on the reader that scans,
 * `window.__badTap()` fires `readingerror`. */
export function fakeNdefReader() {
  class FakeNDEFReader extends EventTarget {
    constructor() {
      super();
      (window.__readers ||= []).push(this);
    }
    async scan({ signal } = {}) {
      this.scanning = true;
      signal?.addEventListener("abort", () => { this.scanning = false; });
    }
  }
  window.NDEFReader = FakeNDEFReader;
  const scanning = () => (window.__readers || []).filter((r) => r.scanning).pop();
  window.__scanning = () => !!scanning();
  window.__tap = (serialNumber, url) => {
    const e = new Event("reading");
    e.serialNumber = serialNumber;
    e.message = { records: [{ recordType: "url", data: new DataView(new TextEncoder().encode(url).buffer) }] };
    scanning().dispatchEvent(e);
  };
  window.__badTap = () => scanning().dispatchEvent(new Event("readingerror"));
}

/** A genuine read of the client's door tag, from the demo's simulated tag (the next SUN
 * counter), as the phone would read it: the serial with separators, as Web NFC gives it. */
export async function doorTag(page, demo, clientId) {
  const res = await page.request.get(`${demo.url}/api/v1/app/demo/tag-read?client_id=${clientId}`);
  assert.equal(res.status(), 200, await res.text());
  const { serial, url } = await res.json();
  return { serial: serial.match(/../g).join(":").toUpperCase(), url };
}

/** Reads the tag: presses "Läs tagg" and holds the (fake) phone to the tag. */
export async function readTag(page, tap) {
  await page.getByRole("button", { name: "Läs tagg" }).click();
  await page.getByText("Håll telefonen mot taggen vid dörren").waitFor();
  await page.waitForFunction(() => window.__scanning());
  await page.evaluate(({ serial, url }) => window.__tap(serial, url), tap);
}

/** Today's visits of the caller, as the server has them. */
export async function today(page, demo) {
  const res = await page.request.get(`${demo.url}/api/v1/app/today`);
  assert.equal(res.status(), 200);
  return (await res.json()).visits;
}
