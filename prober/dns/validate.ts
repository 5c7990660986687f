/** blackbox's rcode and RR checks, over RRs already turned into miekg-style text. */
import type { Logger } from '../../common/logging.js';
import type { DNSRRValidator } from './config.js';

/** An empty list means only NOERROR is valid. */
export function validRcode(rcode: string, valid: readonly string[], logger: Logger): boolean {
  const accepted = valid.length === 0 ? ['NOERROR'] : valid;
  if (accepted.includes(rcode)) {
    logger.info({ rcode }, 'Rcode is valid');
    return true;
  }
  logger.error({ rcode, valid_rcodes: accepted.join(',') }, 'Rcode is not one of the valid rcodes');
  return false;
}

export function validRRs(section: string, rrs: readonly string[], validator: DNSRRValidator, logger: Logger): boolean {
  const log = logger.child({ section });
  if (rrs.length === 0 && validator.fail_if_not_matches_regexp.length > 0) {
    log.error('fail_if_not_matches_regexp specified but no RRs returned');
    return false;
  }
  if (rrs.length === 0 && validator.fail_if_none_matches_regexp.length > 0) {
    log.error('fail_if_none_matches_regexp specified but no RRs returned');
    return false;
  }
  let allMatch = true;
  let anyMatch = false;
  for (const rr of rrs) {
    log.info({ rr }, 'Validating RR');
    for (const re of validator.fail_if_matches_regexp) {
      if (re.test(rr)) {
        log.error({ regexp: re.source, rr }, 'At least one RR matched regexp');
        return false;
      }
    }
    for (const re of validator.fail_if_all_match_regexp) {
      if (!re.test(rr)) allMatch = false;
    }
    for (const re of validator.fail_if_not_matches_regexp) {
      if (!re.test(rr)) {
        log.error({ regexp: re.source, rr }, 'At least one RR did not match regexp');
        return false;
      }
    }
    for (const re of validator.fail_if_none_matches_regexp) {
      if (re.test(rr)) anyMatch = true;
    }
  }
  // Despite its name, blackbox (0.23 and later) fails this check when NOT every RR matches; kept for compatibility.
  if (validator.fail_if_all_match_regexp.length > 0 && !allMatch) {
    log.error('Not all RRs matched regexp');
    return false;
  }
  if (validator.fail_if_none_matches_regexp.length > 0 && !anyMatch) {
    log.error('None of the RRs matched any regexp');
    return false;
  }
  return true;
}
