//! Live sync: every append notifies `warroom` in its transaction; a console listens on a
//! connection of its own and is woken by each notification. After a dropped connection it
//! reconnects and is woken once more, so its follower catches up from where it last read.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;

use super::pool::Pool;
use crate::store::follow::Wake;

/// How often the listener looks whether it should stop, and waits between reconnects.
const TICK: Duration = Duration::from_millis(500);

/// Listening while alive.
pub struct Listening {
    stop: Arc<AtomicBool>,
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

pub fn listen(pool: &Pool, wake: Wake) -> std::io::Result<Listening> {
    let stop = Arc::new(AtomicBool::new(false));
    let (pool, stopped) = (pool.clone(), Arc::clone(&stop));
    std::thread::Builder::new().name("warroom-listen".into()).spawn(move || {
        let mut connected_before = false;
        while !stopped.load(Ordering::Relaxed) {
            let Ok(mut client) = pool.connect() else {
                std::thread::sleep(TICK);
                continue;
            };
            if client.batch_execute("LISTEN warroom").is_err() {
                std::thread::sleep(TICK);
                continue;
            }
            if connected_before {
                tracing::warn!(event = "recovery", "listening to the database again");
                wake();
            }
            connected_before = true;
            let mut notifications = client.notifications();
            while !stopped.load(Ordering::Relaxed) {
                // A fresh wait each time: a timeout iterator that once timed out returns at
                // once ever after, and the thread would spin.
                match notifications.timeout_iter(TICK).next() {
                    Ok(Some(_)) => wake(),
                    Ok(None) => {}
                    Err(_) => break,
                }
            }
            if !stopped.load(Ordering::Relaxed) {
                tracing::warn!(event = "fault", "the database connection a console listens on was lost; reconnecting");
                wake();
            }
        }
    })?;
    Ok(Listening { stop })
}
