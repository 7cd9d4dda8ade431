// Reading what the shop "sent": the default mailer writes every message into
// <data dir>/mail as <id>.txt (headers and the text part) next to the full .eml.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createHmac } from "node:crypto";

const mailDir = () => join(process.env.E2E_DATA_DIR!, "mail");

/** The newest message to `to` for which `pick` finds something; waits for the outbox worker. */
async function newestMail<T>(to: string, what: string, pick: (text: string) => T | undefined): Promise<T> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    let files: string[] = [];
    try {
      files = readdirSync(mailDir()).filter((f) => f.endsWith(".txt")).sort().reverse();
    } catch {
      // The folder appears with the first message.
    }
    for (const file of files) {
      const text = readFileSync(join(mailDir(), file), "utf8");
      if (!text.startsWith(`To: ${to}\n`)) continue;
      const found = pick(text);
      if (found !== undefined) return found;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no e-mail to ${to} ${what}`);
}

/** The newest message to `to` with a link containing `path`. */
export async function linkFromMail(to: string, path: string): Promise<string> {
  return newestMail(to, `with a ${path} link`, (text) =>
    text.match(new RegExp(`https?://\\S+${path}\\?token=[0-9a-f]{64}`))?.[0],
  );
}

/** RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s), as an authenticator app computes it. */
export function totp(secretBase32: string, unixSeconds: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secretBase32.replace(/=+$/, "").toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, "0");
}

/** The text of the newest message to `to` whose subject contains `subject`. */
export async function mailText(to: string, subject: string): Promise<string> {
  return newestMail(to, `about "${subject}"`, (text) =>
    text.split("\n")[1].includes(subject) ? text : undefined,
  );
}
