;; Frames a child's output as CRI log records, a whole buffer per call: finds the newlines
;; sixteen bytes at a time and copies each line behind the record prefix as it goes, so a line
;; costs a few vector operations instead of a call into JavaScript.
;;
;; Assembled by scripts/build-wasm.ts into line-framer-wasm.ts; line-framer.ts lays out the
;; memory and drives it. Memory holds, at addresses the caller chooses: the prefix (at 0, 48
;; bytes, of which `plen` count), the input, the output, and an index of the records written.
;; Reads may run 15 bytes past the input and writes 48 bytes past a record: the caller leaves
;; that much slack after both regions.
(module
  (memory (export "memory") 1)
  ;; Where the output ends after a call, how many records the call wrote, and why it returned:
  ;; 0 the input is used up (what is left is an unfinished line), 1 the output or the index is
  ;; full, 2 the next record would pass `outLimit`.
  (global $out (export "out") (mut i32) (i32.const 0))
  (global $records (export "records") (mut i32) (i32.const 0))
  (global $stop (export "stop") (mut i32) (i32.const 0))

  ;; Frames input[s, inEnd) into output from `o`. A line is the bytes before a "\n", without a
  ;; "\r" just before it; a line longer than `max` bytes becomes pieces of `max` bytes tagged P
  ;; (a piece is cut only once a further byte of the line is known, so a line of exactly `max`
  ;; bytes is one F record). Flags: 1 the input is final (an unfinished line is written out as
  ;; it is), 2 the first record may pass `outLimit` (the file is empty: a record larger than the
  ;; whole file must still go somewhere). The index gets each record's end in the output, with
  ;; bit 31 set for a P piece. Returns where the unused input starts.
  (func (export "frame")
    (param $s i32) (param $inEnd i32) (param $o i32) (param $outLimit i32) (param $outEnd i32)
    (param $plen i32) (param $max i32) (param $flags i32) (param $idx i32) (param $idxCap i32)
    (result i32)
    (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $lf v128) (local $v v128)
    (local $rec i32) (local $p i32) (local $q i32) (local $limit i32) (local $m i32)
    (local $nl i32) (local $found i32) (local $len i32) (local $n i32) (local $end i32)
    (local $partial i32) (local $next i32)
    (local.set $p0 (v128.load (i32.const 0)))
    (local.set $p1 (v128.load (i32.const 16)))
    (local.set $p2 (v128.load (i32.const 32)))
    (local.set $lf (i8x16.splat (i32.const 10)))
    (global.set $stop (i32.const 0))
    (block $done
      (loop $line
        (br_if $done (i32.ge_u (local.get $s) (local.get $inEnd)))
        ;; Room for the longest record and the overshoot of the copy, and for its index entry.
        (if (i32.or
              (i32.gt_u
                (i32.add (local.get $o) (i32.add (local.get $plen) (i32.add (local.get $max) (i32.const 48))))
                (local.get $outEnd))
              (i32.ge_u (local.get $n) (local.get $idxCap)))
          (then (global.set $stop (i32.const 1)) (br $done)))
        (local.set $rec (local.get $o))
        (v128.store (local.get $rec) (local.get $p0))
        (v128.store offset=16 (local.get $rec) (local.get $p1))
        (v128.store offset=32 (local.get $rec) (local.get $p2))
        (local.set $q (i32.add (local.get $rec) (local.get $plen)))
        ;; A newline further than max + 2 bytes away cannot end this record: the line is long.
        (local.set $limit (i32.add (local.get $s) (i32.add (local.get $max) (i32.const 2))))
        (if (i32.gt_u (local.get $limit) (local.get $inEnd)) (then (local.set $limit (local.get $inEnd))))
        (local.set $p (local.get $s))
        (local.set $found (i32.const 0))
        ;; Copy sixteen bytes, then look for a newline among them.
        (block $scanned
          (loop $scan
            (local.set $v (v128.load (local.get $p)))
            (v128.store (local.get $q) (local.get $v))
            (local.set $m (i8x16.bitmask (i8x16.eq (local.get $v) (local.get $lf))))
            (if (i32.lt_u (i32.sub (local.get $limit) (local.get $p)) (i32.const 16))
              (then
                (local.set $m (i32.and (local.get $m)
                  (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $limit) (local.get $p))) (i32.const 1))))))
            (if (local.get $m)
              (then
                (local.set $nl (i32.add (local.get $p) (i32.ctz (local.get $m))))
                (local.set $found (i32.const 1))
                (br $scanned)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (br_if $scan (i32.lt_u (local.get $p) (local.get $limit)))))
        (if (local.get $found)
          (then
            (local.set $len (i32.sub (local.get $nl) (local.get $s)))
            (if (i32.and (i32.ne (local.get $len) (i32.const 0))
                         (i32.eq (i32.load8_u (i32.sub (local.get $nl) (i32.const 1))) (i32.const 13)))
              (then (local.set $len (i32.sub (local.get $len) (i32.const 1)))))
            (if (i32.gt_u (local.get $len) (local.get $max))
              (then
                (local.set $len (local.get $max))
                (local.set $partial (i32.const 1))
                (local.set $next (i32.add (local.get $s) (local.get $max))))
              (else
                (local.set $partial (i32.const 0))
                (local.set $next (i32.add (local.get $nl) (i32.const 1))))))
          (else
            (if (i32.eq (local.get $limit) (i32.add (local.get $s) (i32.add (local.get $max) (i32.const 2))))
              (then
                ;; max + 2 bytes without a newline: whatever they end with, the line is longer than max.
                (local.set $len (local.get $max))
                (local.set $partial (i32.const 1))
                (local.set $next (i32.add (local.get $s) (local.get $max))))
              (else
                ;; An unfinished line: it waits for more input, unless this is the end.
                (br_if $done (i32.eqz (i32.and (local.get $flags) (i32.const 1))))
                (local.set $len (i32.sub (local.get $inEnd) (local.get $s)))
                (local.set $partial (i32.gt_u (local.get $len) (local.get $max)))
                (if (local.get $partial) (then (local.set $len (local.get $max))))
                (local.set $next (i32.add (local.get $s) (local.get $len)))))))
        (local.set $end (i32.add (i32.add (local.get $rec) (local.get $plen)) (local.get $len)))
        (if (i32.gt_u (i32.add (local.get $end) (i32.const 1)) (local.get $outLimit))
          (then
            (if (i32.eqz (i32.and (i32.and (local.get $flags) (i32.const 2)) (i32.eqz (local.get $n))))
              (then (global.set $stop (i32.const 2)) (br $done)))))
        (i32.store8 (local.get $end) (i32.const 10))
        ;; The tag is the second-last byte of the prefix ("... stdout F ").
        (if (local.get $partial)
          (then (i32.store8 (i32.sub (i32.add (local.get $rec) (local.get $plen)) (i32.const 2)) (i32.const 80))))
        (local.set $o (i32.add (local.get $end) (i32.const 1)))
        (i32.store (i32.add (local.get $idx) (i32.shl (local.get $n) (i32.const 2)))
          (i32.or (local.get $o) (i32.shl (local.get $partial) (i32.const 31))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set $s (local.get $next))
        (br $line)))
    (global.set $out (local.get $o))
    (global.set $records (local.get $n))
    (local.get $s)))
