// The listen backlog and the accept queue, as Linux does them (docs/abi.md §5).

/**
 * The backlog a listen() gets: Linux `__sys_listen` caps it with
 * `if ((unsigned int)backlog > somaxconn) backlog = somaxconn;`, so values above somaxconn and every
 * negative value become somaxconn, and 0 stays 0 (one connection still fits, see acceptAdmit).
 * Wasmer ignores the backlog; a WASIX host that wants to match it passes somaxconn.
 */
export function backlogEffective(requested: i32, somaxconn: i32): i32 {
  return <u32>requested > <u32>somaxconn ? somaxconn : requested;
}

/**
 * Whether a new connection fits into an accept queue already holding `queued`: Linux
 * `sk_acceptq_is_full` is `ack_backlog > max_ack_backlog`, so the queue admits while
 * queued <= backlog (backlog 0 admits one). 1 admits, 0 refuses (the host resets the connection).
 */
export function acceptAdmit(queued: i32, backlog: i32): i32 {
  return <u32>queued <= <u32>backlog ? 1 : 0;
}
