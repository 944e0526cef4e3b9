//! INFO rendering (placeholder: being written).
