// The wallet's interface texts in English and Simplified Chinese.
import type { Language } from '../i18n/i18n.ts';

const EN = {
  'wallet.title': 'My Tricolor code',
  'wallet.enrol.title': 'Apply for a code',
  'wallet.enrol.intro':
    'Fill in your health declaration, then sign in at the identity service with your real-name account. If you applied before, signing in again brings back the same code.',
  'wallet.declaration': 'Health declaration',
  'wallet.symptoms': 'I have fever, cough or other symptoms',
  'wallet.contact': 'I have been in contact with a confirmed case',
  'wallet.highRisk': 'I have come from a high-risk area in the last 14 days',
  'wallet.enrol.submit': 'Sign in and get my code',
  'wallet.busy': 'Please wait…',
  'wallet.validFor': 'Valid for {time}',
  'wallet.expired': 'This code has expired. Connect to the internet to get a new one.',
  'wallet.offline': 'Offline: showing your last code.',
  'wallet.refresh': 'Refresh code',
  'wallet.checkin.title': 'Daily check-in',
  'wallet.checkin.symptoms': 'I have symptoms today',
  'wallet.checkin.temperature': 'Temperature °C (optional)',
  'wallet.checkin.submit': 'Check in for today',
  'wallet.checkin.done': 'Checked in for today.',
  'wallet.device.title': 'This phone',
  'wallet.device.note': 'On a new phone, sign in again with your real-name account: the same code moves there and stops working here.',
  'wallet.signout': 'Remove from this phone',
  'wallet.error': 'Something went wrong: {message}',
  'wallet.error.offline': 'No connection. Try again when you are online.',
  'wallet.error.auth': 'You are signed out on this phone. Sign in again to get your code.',
  'wallet.error.replaced':
    'Your code was signed in on another phone, so it no longer works here. Sign in again to bring it back to this phone (the other phone will then be signed out).',
  'wallet.error.signIn': 'Sign-in did not complete ({code}). Try again.',
  'wallet.error.idNumber': 'The identity service returned an ID number this issuer does not accept ({code}).',
  'wallet.color.green': 'Green',
  'wallet.color.yellow': 'Yellow',
  'wallet.color.red': 'Red',
  'wallet.statusEnds': 'Status due to end {time}',
  'wallet.born': 'born {year}',
  'wallet.qrLabel': 'Your health code QR, colour {color}',
} as const;

export type WalletMessageKey = keyof typeof EN;

const ZH_CN: Record<WalletMessageKey, string> = {
  'wallet.title': '我的三色码',
  'wallet.enrol.title': '申领健康码',
  'wallet.enrol.intro': '请填写健康申报，然后用实名账号在身份认证服务登录。若之前申领过，再次登录即可找回同一个码。',
  'wallet.declaration': '健康申报',
  'wallet.symptoms': '我有发热、咳嗽或其他症状',
  'wallet.contact': '我接触过确诊病例',
  'wallet.highRisk': '我在过去 14 天内来自高风险地区',
  'wallet.enrol.submit': '登录并领取我的码',
  'wallet.busy': '请稍候…',
  'wallet.validFor': '有效期还剩{time}',
  'wallet.expired': '此码已过期。请联网获取新码。',
  'wallet.offline': '离线：显示您最近一次的码。',
  'wallet.refresh': '刷新码',
  'wallet.checkin.title': '每日打卡',
  'wallet.checkin.symptoms': '我今天有症状',
  'wallet.checkin.temperature': '体温 °C（选填）',
  'wallet.checkin.submit': '今日打卡',
  'wallet.checkin.done': '今日已打卡。',
  'wallet.device.title': '本机',
  'wallet.device.note': '换新手机时，用实名账号重新登录即可：同一个码会转到新手机，本机上的随即失效。',
  'wallet.signout': '从本机移除',
  'wallet.error': '出错了：{message}',
  'wallet.error.offline': '无网络连接。请联网后重试。',
  'wallet.error.auth': '本机已退出登录。请重新登录以获取您的码。',
  'wallet.error.replaced': '您的码已在另一部手机上登录，因此在本机已失效。重新登录即可将码转回本机（另一部手机随即退出）。',
  'wallet.error.signIn': '登录未完成（{code}），请重试。',
  'wallet.error.idNumber': '身份认证服务返回的证件号码不被本签发方接受（{code}）。',
  'wallet.color.green': '绿码',
  'wallet.color.yellow': '黄码',
  'wallet.color.red': '红码',
  'wallet.statusEnds': '预计 {time} 解除',
  'wallet.born': '{year}年生',
  'wallet.qrLabel': '您的健康码二维码，颜色：{color}',
};

export function walletText(language: Language, key: WalletMessageKey, values: Record<string, string | number> = {}): string {
  const template = (language === 'zh-CN' ? ZH_CN : EN)[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
