//! Processor models.

/// A processor model.
pub(crate) struct Processor {
    pub name: &'static str,
    pub maker: &'static str,
    pub caption: &'static str,
    pub cores: u32,
    pub threads: u32,
    pub max_clock_mhz: u32,
    pub processor_id: &'static str,
    pub l2_cache_kb: u32,
    pub l3_cache_kb: u32,
}

#[allow(clippy::too_many_arguments)]
const fn processor(
    name: &'static str,
    maker: &'static str,
    caption: &'static str,
    cores: u32,
    threads: u32,
    max_clock_mhz: u32,
    processor_id: &'static str,
    l2_cache_kb: u32,
    l3_cache_kb: u32,
) -> Processor {
    Processor {
        name,
        maker,
        caption,
        cores,
        threads,
        max_clock_mhz,
        processor_id,
        l2_cache_kb,
        l3_cache_kb,
    }
}

/// Client processors.
#[rustfmt::skip]
pub(crate) static CLIENT_PROCESSORS: &[Processor] = &[
    processor("11th Gen Intel(R) Core(TM) i7-1185G7 @ 3.00GHz", "GenuineIntel", "Intel64 Family 6 Model 140 Stepping 1", 4, 8, 1805, "BFEBFBFF000806C1", 5120, 12288),
    processor("11th Gen Intel(R) Core(TM) i5-1145G7 @ 2.60GHz", "GenuineIntel", "Intel64 Family 6 Model 140 Stepping 1", 4, 8, 1498, "BFEBFBFF000806C1", 5120, 8192),
    processor("Intel(R) Core(TM) i5-8365U CPU @ 1.60GHz", "GenuineIntel", "Intel64 Family 6 Model 142 Stepping 12", 4, 8, 1896, "BFEBFBFF000806EC", 1024, 6144),
    processor("13th Gen Intel(R) Core(TM) i7-1365U", "GenuineIntel", "Intel64 Family 6 Model 186 Stepping 3", 10, 12, 1800, "BFEBFBFF000B06A3", 6656, 12288),
    processor("13th Gen Intel(R) Core(TM) i5-1345U", "GenuineIntel", "Intel64 Family 6 Model 186 Stepping 3", 10, 12, 1600, "BFEBFBFF000B06A3", 6656, 12288),
    processor("Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz", "GenuineIntel", "Intel64 Family 6 Model 165 Stepping 5", 8, 16, 2904, "BFEBFBFF000A0655", 2048, 16384),
    processor("12th Gen Intel(R) Core(TM) i5-12500", "GenuineIntel", "Intel64 Family 6 Model 151 Stepping 5", 6, 12, 3000, "BFEBFBFF00090675", 7680, 18432),
    processor("AMD Ryzen 7 PRO 5850U with Radeon Graphics", "AuthenticAMD", "AMD64 Family 25 Model 80 Stepping 0", 8, 16, 1901, "178BFBFF00A50F00", 4096, 16384),
    processor("Intel(R) Xeon(R) W-2245 CPU @ 3.90GHz", "GenuineIntel", "Intel64 Family 6 Model 85 Stepping 7", 8, 16, 3912, "BFEBFBFF00050657", 8192, 16896),
];

/// Server processors (also what VMs report).
#[rustfmt::skip]
pub(crate) static SERVER_PROCESSORS: &[Processor] = &[
    processor("Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz", "GenuineIntel", "Intel64 Family 6 Model 85 Stepping 7", 24, 48, 2993, "BFEBFBFF00050657", 24576, 36608),
    processor("Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz", "GenuineIntel", "Intel64 Family 6 Model 85 Stepping 7", 12, 24, 2195, "BFEBFBFF00050657", 12288, 16896),
    processor("Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", "GenuineIntel", "Intel64 Family 6 Model 106 Stepping 6", 32, 64, 1995, "BFEBFBFF000606A6", 40960, 49152),
    processor("Intel(R) Xeon(R) Gold 5318Y CPU @ 2.10GHz", "GenuineIntel", "Intel64 Family 6 Model 106 Stepping 6", 24, 48, 2095, "BFEBFBFF000606A6", 30720, 36864),
    processor("AMD EPYC 7543 32-Core Processor", "AuthenticAMD", "AMD64 Family 25 Model 1 Stepping 1", 32, 64, 2800, "178BFBFF00A00F11", 16384, 262144),
    processor("Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", "GenuineIntel", "Intel64 Family 6 Model 79 Stepping 1", 14, 28, 2397, "BFEBFBFF000406F1", 3584, 35840),
];
