//! The provider's monthly payment basis (filled in below).
