//! The project's tasks as a library, so the test suite can run them on a
//! scratch copy of the workspace (`regen` atomicity, orphan reporting).

pub mod audit;
pub mod bench;
pub mod conformance;
pub mod corpus;
pub mod diff;
pub mod gen;
mod process;
pub mod regen;
pub mod test;
