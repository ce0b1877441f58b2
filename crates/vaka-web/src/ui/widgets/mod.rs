//! Pieces of page shared by several capabilities: charts, the row an alarm is shown as, and
//! the paging of long lists.

pub mod alarm_row;
pub mod charts;
pub mod paging;
