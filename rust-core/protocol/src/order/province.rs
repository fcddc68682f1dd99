//! Provincial-level divisions of mainland China, by their GB/T 2260 code.

/// A provincial-level division where ICP Filing applies, identified on the
/// wire by its two-digit GB/T 2260 code (Shanghai is 31).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Province {
    /// 北京 Beijing (11).
    Beijing,
    /// 天津 Tianjin (12).
    Tianjin,
    /// 河北 Hebei (13).
    Hebei,
    /// 山西 Shanxi (14).
    Shanxi,
    /// 内蒙古 Inner Mongolia (15).
    InnerMongolia,
    /// 辽宁 Liaoning (21).
    Liaoning,
    /// 吉林 Jilin (22).
    Jilin,
    /// 黑龙江 Heilongjiang (23).
    Heilongjiang,
    /// 上海 Shanghai (31).
    Shanghai,
    /// 江苏 Jiangsu (32).
    Jiangsu,
    /// 浙江 Zhejiang (33).
    Zhejiang,
    /// 安徽 Anhui (34).
    Anhui,
    /// 福建 Fujian (35).
    Fujian,
    /// 江西 Jiangxi (36).
    Jiangxi,
    /// 山东 Shandong (37).
    Shandong,
    /// 河南 Henan (41).
    Henan,
    /// 湖北 Hubei (42).
    Hubei,
    /// 湖南 Hunan (43).
    Hunan,
    /// 广东 Guangdong (44).
    Guangdong,
    /// 广西 Guangxi (45).
    Guangxi,
    /// 海南 Hainan (46).
    Hainan,
    /// 重庆 Chongqing (50).
    Chongqing,
    /// 四川 Sichuan (51).
    Sichuan,
    /// 贵州 Guizhou (52).
    Guizhou,
    /// 云南 Yunnan (53).
    Yunnan,
    /// 西藏 Tibet (54).
    Tibet,
    /// 陕西 Shaanxi (61).
    Shaanxi,
    /// 甘肃 Gansu (62).
    Gansu,
    /// 青海 Qinghai (63).
    Qinghai,
    /// 宁夏 Ningxia (64).
    Ningxia,
    /// 新疆 Xinjiang (65).
    Xinjiang,
}

/// (province, GB/T 2260 code, English name, Chinese name) — the one table.
const TABLE: [(Province, u8, &str, &str); 31] = [
    (Province::Beijing, 11, "Beijing", "北京"),
    (Province::Tianjin, 12, "Tianjin", "天津"),
    (Province::Hebei, 13, "Hebei", "河北"),
    (Province::Shanxi, 14, "Shanxi", "山西"),
    (Province::InnerMongolia, 15, "Inner Mongolia", "内蒙古"),
    (Province::Liaoning, 21, "Liaoning", "辽宁"),
    (Province::Jilin, 22, "Jilin", "吉林"),
    (Province::Heilongjiang, 23, "Heilongjiang", "黑龙江"),
    (Province::Shanghai, 31, "Shanghai", "上海"),
    (Province::Jiangsu, 32, "Jiangsu", "江苏"),
    (Province::Zhejiang, 33, "Zhejiang", "浙江"),
    (Province::Anhui, 34, "Anhui", "安徽"),
    (Province::Fujian, 35, "Fujian", "福建"),
    (Province::Jiangxi, 36, "Jiangxi", "江西"),
    (Province::Shandong, 37, "Shandong", "山东"),
    (Province::Henan, 41, "Henan", "河南"),
    (Province::Hubei, 42, "Hubei", "湖北"),
    (Province::Hunan, 43, "Hunan", "湖南"),
    (Province::Guangdong, 44, "Guangdong", "广东"),
    (Province::Guangxi, 45, "Guangxi", "广西"),
    (Province::Hainan, 46, "Hainan", "海南"),
    (Province::Chongqing, 50, "Chongqing", "重庆"),
    (Province::Sichuan, 51, "Sichuan", "四川"),
    (Province::Guizhou, 52, "Guizhou", "贵州"),
    (Province::Yunnan, 53, "Yunnan", "云南"),
    (Province::Tibet, 54, "Tibet", "西藏"),
    (Province::Shaanxi, 61, "Shaanxi", "陕西"),
    (Province::Gansu, 62, "Gansu", "甘肃"),
    (Province::Qinghai, 63, "Qinghai", "青海"),
    (Province::Ningxia, 64, "Ningxia", "宁夏"),
    (Province::Xinjiang, 65, "Xinjiang", "新疆"),
];

impl Province {
    /// Every province, in GB/T 2260 order.
    pub fn all() -> impl Iterator<Item = Province> {
        TABLE.iter().map(|row| row.0)
    }

    /// The province with this GB/T 2260 code, if it is one.
    pub fn from_code(code: u8) -> Option<Province> {
        TABLE.iter().find(|row| row.1 == code).map(|row| row.0)
    }

    fn row(self) -> &'static (Province, u8, &'static str, &'static str) {
        TABLE
            .iter()
            .find(|row| row.0 == self)
            .expect("every variant is in the table")
    }

    /// Two-digit GB/T 2260 code.
    pub fn code(self) -> u8 {
        self.row().1
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        self.row().2
    }

    /// Simplified Chinese name.
    pub fn name_zh(self) -> &'static str {
        self.row().3
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for p in Province::all() {
            assert!(seen.insert(p.code()), "duplicate code {}", p.code());
            assert_eq!(Province::from_code(p.code()), Some(p));
        }
        assert_eq!(seen.len(), 31);
        assert_eq!(Province::Shanghai.code(), 31);
        assert_eq!(
            Province::from_code(71),
            None,
            "Taiwan is outside ICP Filing"
        );
        assert_eq!(Province::from_code(0), None);
    }
}
