//! Just enough of the FlatBuffers wire format to read a TensorFlow Lite
//! model: tables through their vtables, vectors, and bounds checked reads
//! (a damaged model is an error, never a panic).

/// A table inside a FlatBuffers buffer.
#[derive(Clone, Copy)]
pub struct Table<'a> {
    buf: &'a [u8],
    pos: usize,
}

/// A read outside the buffer or a malformed offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed;

fn read<const N: usize>(buf: &[u8], at: usize) -> Result<[u8; N], Malformed> {
    buf.get(at..at.checked_add(N).ok_or(Malformed)?)
        .and_then(|s| s.try_into().ok())
        .ok_or(Malformed)
}

fn u32_at(buf: &[u8], at: usize) -> Result<u32, Malformed> {
    read::<4>(buf, at).map(u32::from_le_bytes)
}

impl<'a> Table<'a> {
    /// The root table of `buf`.
    pub fn root(buf: &'a [u8]) -> Result<Table<'a>, Malformed> {
        Ok(Table {
            buf,
            pos: u32_at(buf, 0)? as usize,
        })
    }

    /// Where field `slot` (0-based, in schema order) is stored, if present.
    fn field(&self, slot: usize) -> Result<Option<usize>, Malformed> {
        let soffset = i32::from_le_bytes(read::<4>(self.buf, self.pos)?) as i64;
        let vtable = usize::try_from(self.pos as i64 - soffset).map_err(|_| Malformed)?;
        let vsize = u16::from_le_bytes(read::<2>(self.buf, vtable)?) as usize;
        let entry = 4 + 2 * slot;
        if entry + 2 > vsize {
            return Ok(None);
        }
        let off = u16::from_le_bytes(read::<2>(self.buf, vtable + entry)?) as usize;
        Ok((off != 0).then_some(self.pos + off))
    }

    /// A scalar field of `N` little-endian bytes.
    fn scalar<const N: usize>(&self, slot: usize) -> Result<Option<[u8; N]>, Malformed> {
        self.field(slot)?
            .map(|at| read::<N>(self.buf, at))
            .transpose()
    }

    /// An unsigned byte field (enums), or `default`.
    pub fn u8(&self, slot: usize, default: u8) -> Result<u8, Malformed> {
        Ok(self.scalar::<1>(slot)?.map_or(default, |b| b[0]))
    }

    /// A 32-bit signed field, or `default`.
    pub fn i32(&self, slot: usize, default: i32) -> Result<i32, Malformed> {
        Ok(self.scalar::<4>(slot)?.map_or(default, i32::from_le_bytes))
    }

    /// Where an offset field points.
    fn follow(&self, slot: usize) -> Result<Option<usize>, Malformed> {
        match self.field(slot)? {
            None => Ok(None),
            Some(at) => Ok(Some(at + u32_at(self.buf, at)? as usize)),
        }
    }

    /// A sub-table field.
    pub fn table(&self, slot: usize) -> Result<Option<Table<'a>>, Malformed> {
        Ok(self.follow(slot)?.map(|pos| Table { buf: self.buf, pos }))
    }

    /// A vector field: (first element's position, length).
    fn vector(&self, slot: usize) -> Result<(usize, usize), Malformed> {
        match self.follow(slot)? {
            None => Ok((0, 0)),
            Some(at) => Ok((at + 4, u32_at(self.buf, at)? as usize)),
        }
    }

    /// A vector of tables.
    pub fn tables(&self, slot: usize) -> Result<Vec<Table<'a>>, Malformed> {
        let (start, len) = self.vector(slot)?;
        (0..len)
            .map(|i| {
                let at = start + 4 * i;
                Ok(Table {
                    buf: self.buf,
                    pos: at + u32_at(self.buf, at)? as usize,
                })
            })
            .collect()
    }

    /// A vector of 32-bit signed integers.
    pub fn i32s(&self, slot: usize) -> Result<Vec<i32>, Malformed> {
        let (start, len) = self.vector(slot)?;
        (0..len)
            .map(|i| read::<4>(self.buf, start + 4 * i).map(i32::from_le_bytes))
            .collect()
    }

    /// A vector of bytes.
    pub fn bytes(&self, slot: usize) -> Result<&'a [u8], Malformed> {
        let (start, len) = self.vector(slot)?;
        self.buf.get(start..start + len).ok_or(Malformed)
    }
}
