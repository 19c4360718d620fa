// Plain-word texts for every reason a code is refused: a short title for the verdict screen and a
// sentence. English sentences come from the core (src/reasons.ts) so every verifier says the same;
// the Chinese ones are ours. `no_trust_list` is the app's own: the device cannot check anything yet.
import { REASONS, type ReasonCode } from '../../../src/index.ts';

export type AppReason = ReasonCode | 'no_trust_list';
export type ReasonLanguage = 'en' | 'zh-CN';

interface ReasonText {
  title: string;
  sentence: string;
}

const TITLES_EN: Record<AppReason, string> = {
  input_too_large: 'Not a Tricolor code',
  malformed_prefix: 'Not a Tricolor code',
  bad_base45: 'Damaged code',
  bad_cbor: 'Damaged code',
  not_cose_sign1: 'Not a signed code',
  unsupported_alg: 'Unaccepted signature',
  bad_header: 'Tampered code',
  unknown_kid: 'Unknown issuer key',
  key_revoked: 'Issuer key revoked',
  key_not_valid_at_iat: 'Signed outside key validity',
  bad_signature: 'Tampered or forged',
  bad_claims: 'Tampered code',
  not_yet_valid: 'Not valid yet',
  expired: 'Expired',
  token_revoked: 'Revoked',
  lifetime_too_long: 'Validity too long',
  no_trust_list: 'Cannot check yet',
};

const ZH_CN: Record<AppReason, ReasonText> = {
  input_too_large: { title: '非三色码', sentence: '码内容过长，不可能是三色码。' },
  malformed_prefix: { title: '非三色码', sentence: '不是三色码（不以 TC1: 开头）。' },
  bad_base45: { title: '码已损坏', sentence: '码文本已损坏（不是有效的 base45）。' },
  bad_cbor: { title: '码已损坏', sentence: '码数据已损坏（不是有效的 CBOR）。' },
  not_cose_sign1: { title: '非签名码', sentence: '这不是经过签名的三色码（不是 COSE_Sign1）。' },
  unsupported_alg: { title: '签名算法不被接受', sentence: '该码使用了三色码不接受的签名算法。' },
  bad_header: { title: '码被篡改', sentence: '该码包含异常的头部字段。' },
  unknown_kid: { title: '未知签发密钥', sentence: '该码由本设备不认识的密钥签发。' },
  key_revoked: { title: '签发密钥已吊销', sentence: '签发该码的密钥已被吊销。' },
  key_not_valid_at_iat: { title: '签发时间不在密钥有效期内', sentence: '该码在其密钥有效期之外签发。' },
  bad_signature: { title: '被篡改或伪造', sentence: '签名不符：该码已被篡改或伪造。' },
  bad_claims: { title: '码被篡改', sentence: '该码缺少必要信息，或信息格式错误。' },
  not_yet_valid: { title: '尚未生效', sentence: '该码尚未生效。' },
  expired: { title: '已过期', sentence: '该码已过期。' },
  token_revoked: { title: '已作废', sentence: '持码人的状态在此码签发后已变更，此码已作废。' },
  lifetime_too_long: { title: '有效期过长', sentence: '此码声称的有效期超过签发方信任列表允许的最长期限。' },
  no_trust_list: { title: '暂时无法核验', sentence: '本设备尚无信任列表，无法核验任何码。请先联网一次。' },
};

const NO_TRUST_LIST_EN = 'This device has no trust list yet, so it cannot check any code. Connect to the internet once.';

export function describeReason(reason: AppReason, language: ReasonLanguage): ReasonText {
  if (language === 'zh-CN') return ZH_CN[reason];
  return { title: TITLES_EN[reason], sentence: reason === 'no_trust_list' ? NO_TRUST_LIST_EN : REASONS[reason] };
}
