//! MeetLink puts a fresh Google Meet link where the user is typing.
//!
//! The crate is split the way `../shared/DESIGN.md` draws it: pure modules first — they know nothing
//! of the browser, compile natively and are tested with `cargo test` — and the browser shell last
//! (`shell`, wasm only), which binds `chrome.*`, does the HTTP and hands every decision back to the
//! pure core.
//!
//! The hot path is [`flow::CreateFlow`]: a sans-IO state machine that says which request to send
//! next, how long to wait, when to renew the token and when the link is ready.
//!
//! The wasm is `no_std` (core + alloc): std's panic machinery (hooks, payloads, thread locals) was
//! 2.8 KB of a module that is parsed on every worker wake (measured). A panic there traps
//! (`unreachable`), as it did with std and `panic = "abort"`, where the message went nowhere.
//! Native builds (the tests) keep std. The `std` feature links std on wasm too, for the
//! wasm-bindgen-test harness, which needs it.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]

extern crate alloc;

/// What std's prelude would give every module; the wasm build has no std. Not `format!`: the wasm
/// builds text with `crate::text`, without `core::fmt`.
mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::boxed::Box;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec::Vec;
}

pub mod auth;
pub mod calendar;
pub mod deliver;
pub mod endpoints;
pub mod errors;
pub mod flow;
pub mod history;
pub mod ids;
pub mod inflight;
pub mod json;
pub mod link;
pub mod messages;
pub mod retry;
pub mod settings;
pub mod text;
pub mod time;
pub mod warm;

/// The browser shell (wasm only). Public only so `tests/wasm.rs` can drive its HTTP path.
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod shell;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
// SAFETY: the wasm is single-threaded (no atomics target feature; one worker, one thread).
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
