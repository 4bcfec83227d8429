//! Structured round trip for schedules: an arbitrary model (events, commands, triggers with
//! arbitrary attribute values) is written, read back and must be equal; its next runs are
//! computed without panic, in time order, each start inside its window.
#![no_main]

libfuzzer_sys::fuzz_target!(
    |model: ndi_fuzz::ScheduleModel| ndi_fuzz::check_schedule_model(&model)
);
