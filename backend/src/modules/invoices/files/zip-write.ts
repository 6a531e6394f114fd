import { crc32, deflateRawSync } from "node:zlib";

/**
 * A zip of the given files, deflated, with a fixed timestamp (1980-01-01), so the same files make
 * the same bytes: the XLSX template and the sample files in seeds/ are built with it and compared
 * byte for byte. Writing only; reading goes through yauzl (zip.ts), which bounds what it inflates.
 */
export function writeZip(files: { name: string; data: Buffer | string; store?: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const data = typeof f.data === "string" ? Buffer.from(f.data, "utf8") : f.data;
    const name = Buffer.from(f.name, "utf8");
    const body = f.store ? data : deflateRawSync(data, { level: 9 });
    const method = f.store ? 0 : 8;
    const crc = crc32(data);
    const header = (central: boolean) => {
      const h = Buffer.alloc(central ? 46 : 30);
      let p = 0;
      const u32 = (v: number) => (h.writeUInt32LE(v >>> 0, p), (p += 4));
      const u16 = (v: number) => (h.writeUInt16LE(v, p), (p += 2));
      u32(central ? 0x02014b50 : 0x04034b50);
      if (central) u16(20); // version made by
      u16(20); // version needed
      u16(0x0800); // UTF-8 names
      u16(method);
      u16(0); // time 00:00
      u16(0x21); // date 1980-01-01
      u32(crc);
      u32(body.length);
      u32(data.length);
      u16(name.length);
      u16(0); // extra
      if (central) {
        u16(0); // comment
        u16(0); // disk
        u16(0); // internal attributes
        u32(0); // external attributes
        u32(offset);
      }
      return h;
    };
    locals.push(header(false), name, body);
    central.push(header(true), name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
