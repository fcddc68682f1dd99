//! Running CPU-bound core work behind an async export.

/// Runs `work` on tokio's blocking pool so the app's coroutine or task is
/// not held up, converting its domain error to the FFI one. A panic inside
/// resumes in the caller, where UniFFI reports it as an internal error.
pub(crate) async fn off_thread<T, E, F>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, F>
where
    T: Send + 'static,
    E: Send + 'static,
    F: From<E>,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => Ok(result?),
        Err(join) => std::panic::resume_unwind(join.into_panic()),
    }
}
