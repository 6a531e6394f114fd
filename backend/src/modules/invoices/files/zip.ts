import yauzl from "yauzl";
import { FILE_LIMITS, expandsTooFar, unreadable, type FileRefused } from "./limits";

/** A zip's entry names and the contents of the entries that were asked for. */
export interface ZipContents {
  names: string[];
  files: Map<string, Buffer>;
}

const MiB = 1024 * 1024;

/**
 * Reads the entries of a zip (XLSX and OFD are zips of XML) that `wanted` picks, within
 * FILE_LIMITS: at most so many entries, each expanding to at most `entryBytes` and at most
 * `ratio` times its compressed size, all together to at most `totalBytes`. The sizes the zip
 * declares are checked before anything is inflated, and the bytes actually inflated are counted
 * as they come (a zip that understates them is stopped there: yauzl compares them too), so a zip
 * bomb costs at most those bounds in memory and time.
 */
export function readZip(
  bytes: Buffer,
  what: string,
  wanted: (name: string) => boolean,
  /** A part that is large by nature (a worksheet): no ratio check, and its own refusal past the size bounds. */
  bulky?: (name: string, bytes: number) => FileRefused | null,
): Promise<ZipContents> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (err, zip) => {
      if (err || !zip) return reject(unreadable(`The ${what} is not a readable zip file (${err?.message ?? "no entries"}); export it again`));
      let settled = false;
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        zip.close();
        reject(e);
      };
      if (zip.entryCount > FILE_LIMITS.zipEntries) {
        return fail(expandsTooFar(`The ${what} holds ${zip.entryCount} entries; a real one holds a few dozen (at most ${FILE_LIMITS.zipEntries} are read): this is not a file to upload`));
      }
      const names: string[] = [];
      const files = new Map<string, Buffer>();
      let total = 0;
      zip.on("error", (e: Error) => fail(unreadable(`The ${what} is a damaged zip file (${e.message}); export it again`)));
      zip.on("end", () => {
        if (settled) return;
        settled = true;
        resolve({ names, files });
      });
      zip.on("entry", (entry: yauzl.Entry) => {
        if (settled) return;
        const name = entry.fileName.replace(/^\/+/, "");
        names.push(name);
        if (name.endsWith("/") || !wanted(name)) return zip.readEntry();
        const declared = entry.uncompressedSize;
        const own = bulky?.(name, declared) ?? null;
        if (declared > FILE_LIMITS.entryBytes || total + declared > FILE_LIMITS.totalBytes) {
          if (own) return fail(own);
          return fail(expandsTooFar(`The ${what}'s part ${name} expands to ${Math.ceil(declared / MiB)} MiB (at most ${FILE_LIMITS.entryBytes / MiB} MiB a part, ${FILE_LIMITS.totalBytes / MiB} MiB in all): this is not an invoice file`));
        }
        if (!own && declared > MiB && declared / Math.max(1, entry.compressedSize) > FILE_LIMITS.ratio) {
          return fail(expandsTooFar(`The ${what}'s part ${name} expands ${Math.round(declared / Math.max(1, entry.compressedSize))} times (a zip bomb); this is not an invoice file`));
        }
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return fail(unreadable(`The ${what}'s part ${name} cannot be read (${e?.message ?? "no data"}); an encrypted or damaged file is not taken`));
          const chunks: Buffer[] = [];
          let size = 0;
          stream.on("data", (c: Buffer) => {
            size += c.length;
            total += c.length;
            if (size > FILE_LIMITS.entryBytes || total > FILE_LIMITS.totalBytes) {
              stream.destroy();
              if (own) return fail(own);
              return fail(expandsTooFar(`The ${what}'s part ${name} expands past ${FILE_LIMITS.entryBytes / MiB} MiB (a zip bomb); this is not an invoice file`));
            }
            chunks.push(c);
          });
          stream.on("error", (se: Error) =>
            fail(
              /too many bytes/i.test(se.message)
                ? expandsTooFar(`The ${what}'s part ${name} expands past the size it declares (a zip bomb); this is not an invoice file`)
                : unreadable(`The ${what}'s part ${name} is damaged (${se.message}); export the file again`),
            ),
          );
          stream.on("end", () => {
            if (settled) return;
            files.set(name, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** Whether `bytes` start like a zip (a local file header, or an empty zip's end record). */
export const looksLikeZip = (bytes: Uint8Array) => bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05) ;
