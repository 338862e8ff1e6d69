//! MS-DOS date and time, as ZIP stores an entry's modification time.

use core::fmt;

/// An MS-DOS date and time as stored (local time of the writer, 2-second steps).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DosDateTime {
    /// 1980..=2107
    pub year: u16,
    /// 1..=12 (0 in broken archives)
    pub month: u8,
    /// 1..=31
    pub day: u8,
    /// 0..=23
    pub hour: u8,
    /// 0..=59
    pub minute: u8,
    /// 0..=58 (even)
    pub second: u8,
}

impl DosDateTime {
    /// Decodes the two 16-bit fields.
    pub fn from_dos(date: u16, time: u16) -> Self {
        DosDateTime {
            year: 1980 + (date >> 9),
            month: ((date >> 5) & 0x0f) as u8,
            day: (date & 0x1f) as u8,
            hour: (time >> 11) as u8,
            minute: ((time >> 5) & 0x3f) as u8,
            second: ((time & 0x1f) * 2) as u8,
        }
    }

    /// Encodes into `(date, time)`; years outside 1980..=2107 are clamped.
    pub fn to_dos(self) -> (u16, u16) {
        let year = self.year.clamp(1980, 2107) - 1980;
        let date = (year << 9) | (u16::from(self.month) << 5) | u16::from(self.day);
        let time = (u16::from(self.hour) << 11) | (u16::from(self.minute) << 5) | u16::from(self.second / 2);
        (date, time)
    }

    /// The date and time from Unix seconds, in UTC.
    pub fn from_unix(secs: i64) -> Self {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        if year < 1980 {
            return DosDateTime { year: 1980, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
        }
        DosDateTime {
            year: year.min(2107) as u16,
            month: month as u8,
            day: day as u8,
            hour: (rem / 3600) as u8,
            minute: (rem / 60 % 60) as u8,
            second: (rem % 60) as u8,
        }
    }
}

impl fmt::Display for DosDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn dos_time_round_trip_and_unix_conversion() {
        let t = DosDateTime::from_unix(1_655_375_454); // 2022-06-16T10:30:54Z
        assert_eq!(t.to_string(), "2022-06-16T10:30:54");
        let (d, tm) = t.to_dos();
        assert_eq!(DosDateTime::from_dos(d, tm), t);
        assert_eq!(DosDateTime::from_unix(0).year, 1980);
        assert_eq!(DosDateTime::from_unix(951_782_400).to_string(), "2000-02-29T00:00:00");
    }
}
