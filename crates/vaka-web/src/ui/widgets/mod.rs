//! Pieces of page shared by several capabilities: charts, and the row an alarm is shown as.

pub mod alarm_row;
pub mod charts;
