/**
 * The other lists of the base codebook: severities, requested actions, response outcomes, and kinds of activity
 * announced in prior notices (INCSEA's advance notices named exercises and other hazards to others).
 */
import type { CodeEntry } from './codebook.js';

/** One code with its labels in the three languages every code of the base codebook has. */
export function entry(code: string, en: string, ru: string, vi: string): CodeEntry {
  return { code, labels: { en, ru, vi } };
}

/** Ordered lowest first: deadlines are set per severity, and escalation compares them. */
export const SEVERITY_ENTRIES: readonly CodeEntry[] = [
  entry('low', 'Low', 'Низкая', 'Thấp'),
  entry('medium', 'Medium', 'Средняя', 'Trung bình'),
  entry('high', 'High', 'Высокая', 'Cao'),
  entry('critical', 'Critical', 'Критическая', 'Nghiêm trọng'),
];

/** What a notification or request asks the addressee to do. */
export const ACTION_ENTRIES: readonly CodeEntry[] = [
  entry('acknowledge-only', 'Acknowledge receipt only', 'Только подтвердить получение', 'Chỉ xác nhận đã nhận'),
  entry('investigate', 'Investigate', 'Провести расследование', 'Điều tra'),
  entry('mitigate', 'Mitigate the effects', 'Принять меры по смягчению последствий', 'Giảm thiểu tác động'),
  entry('block-source', 'Block the source', 'Заблокировать источник', 'Chặn nguồn tấn công'),
  entry('take-down', 'Take down the malicious resource', 'Отключить вредоносный ресурс', 'Gỡ bỏ tài nguyên độc hại'),
  entry('preserve-evidence', 'Preserve evidence', 'Сохранить доказательства', 'Bảo quản chứng cứ'),
  entry('provide-information', 'Provide information', 'Предоставить информацию', 'Cung cấp thông tin'),
  entry('share-indicators', 'Share indicators of compromise', 'Предоставить индикаторы компрометации', 'Chia sẻ các dấu hiệu xâm phạm'),
  entry('notify-affected', 'Notify those affected', 'Уведомить пострадавших', 'Thông báo cho các bên bị ảnh hưởng'),
  entry('cease-activity', 'Cease the activity', 'Прекратить деятельность', 'Chấm dứt hoạt động'),
  entry('consult', 'Hold consultations', 'Провести консультации', 'Tiến hành tham vấn'),
];

/** How a party answered a request. */
export const OUTCOME_ENTRIES: readonly CodeEntry[] = [
  entry('accepted', 'Accepted', 'Принято', 'Chấp nhận'),
  entry('action-taken', 'Action taken', 'Меры приняты', 'Đã thực hiện biện pháp'),
  entry('partially-done', 'Partially done', 'Выполнено частично', 'Đã thực hiện một phần'),
  entry('investigating', 'Investigation under way', 'Ведётся расследование', 'Đang điều tra'),
  entry('information-provided', 'Information provided', 'Информация предоставлена', 'Đã cung cấp thông tin'),
  entry('no-evidence-found', 'No evidence found', 'Доказательств не обнаружено', 'Không tìm thấy bằng chứng'),
  entry('not-within-jurisdiction', 'Not within our jurisdiction', 'Вне нашей юрисдикции', 'Không thuộc thẩm quyền của chúng tôi'),
  entry('referred', 'Referred to the competent authority', 'Передано компетентному органу', 'Đã chuyển cho cơ quan có thẩm quyền'),
  entry('declined', 'Declined', 'Отклонено', 'Từ chối'),
];

/** Kinds of activity a party announces in advance so that the others do not mistake it for an attack. */
export const ACTIVITY_ENTRIES: readonly CodeEntry[] = [
  entry('cyber-exercise', 'Cyber exercise', 'Киберучения', 'Diễn tập an ninh mạng'),
  entry('large-scale-scanning', 'Large-scale scanning', 'Масштабное сканирование', 'Dò quét trên diện rộng'),
  entry('penetration-test', 'Penetration test', 'Тестирование на проникновение', 'Kiểm thử xâm nhập'),
  entry('infrastructure-maintenance', 'Infrastructure maintenance', 'Техническое обслуживание инфраструктуры', 'Bảo trì hạ tầng'),
  entry('sinkholing', 'Sinkholing of malicious domains', 'Перенаправление вредоносных доменов на синкхол', 'Chuyển hướng tên miền độc hại về hệ thống sinkhole'),
  entry('botnet-takedown', 'Botnet takedown', 'Ликвидация ботнета', 'Triệt phá mạng máy tính ma (botnet)'),
  entry('routing-change', 'Change of routing (BGP)', 'Изменение маршрутизации (BGP)', 'Thay đổi định tuyến (BGP)'),
  entry('traffic-filtering', 'Large-scale traffic filtering', 'Масштабная фильтрация трафика', 'Lọc lưu lượng trên diện rộng'),
];
