//! Simulated supervision cameras: [`scene`] renders what a night-vision camera over a bed would
//! show; [`camera`] connects as a camera with the real protocol and streams those frames when
//! asked.

pub mod camera;
pub mod scene;
