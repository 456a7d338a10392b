/**
 * Incident categories of the base codebook, after the Reference Security Incident Taxonomy (RSIT) of the
 * ENISA / TF-CSIRT working group (github.com/enisaeu/Reference-Security-Incident-Taxonomy-Task-Force, working_copy/machinev1).
 *
 * Codes are RSIT's own machine values, so that CSIRTs can map a Parley case to their ticketing without a table:
 * the class alone ("intrusions") when only the class is known — RSIT makes the second column optional — or
 * "<class>.<type>" ("intrusions.system-compromise"). Two families are Parley's additions, useful between states:
 * "malicious-code.ransomware" (RSIT files it under unauthorised-information-modification, but agreements on critical
 * infrastructure name it on its own) and the "election" class (the 2016 warning and the 2020 proposal were about elections).
 */
import type { CodeEntry } from './codebook.js';
import { entry } from './codebook-signals.js';

export const CATEGORY_ENTRIES: readonly CodeEntry[] = [
  entry('abusive-content', 'Abusive content', 'Противоправный контент', 'Nội dung vi phạm'),
  entry('abusive-content.spam', 'Spam', 'Спам', 'Thư rác (spam)'),
  entry('abusive-content.harmful-speech', 'Harmful speech', 'Враждебные и оскорбительные высказывания', 'Ngôn từ gây hại'),
  entry('abusive-content.violence', 'Child sexual exploitation, sexual or violent content',
    'Сексуальная эксплуатация детей, сексуальный или насильственный контент',
    'Nội dung xâm hại tình dục trẻ em, khiêu dâm hoặc bạo lực'),

  entry('malicious-code', 'Malicious code', 'Вредоносный код', 'Mã độc'),
  entry('malicious-code.infected-system', 'Infected system', 'Заражённая система', 'Hệ thống bị nhiễm mã độc'),
  entry('malicious-code.c2-server', 'Command-and-control (C2) server', 'Сервер управления (C2)', 'Máy chủ điều khiển (C2)'),
  entry('malicious-code.malware-distribution', 'Malware distribution', 'Распространение вредоносного ПО', 'Phát tán mã độc'),
  entry('malicious-code.malware-configuration', 'Malware configuration', 'Конфигурация вредоносного ПО', 'Tệp cấu hình mã độc'),
  entry('malicious-code.ransomware', 'Ransomware', 'Программа-вымогатель', 'Mã độc tống tiền'),

  entry('information-gathering', 'Information gathering', 'Сбор информации', 'Thu thập thông tin'),
  entry('information-gathering.scanner', 'Scanning', 'Сканирование', 'Dò quét'),
  entry('information-gathering.sniffing', 'Sniffing (interception of network traffic)', 'Перехват сетевого трафика', 'Nghe lén lưu lượng mạng'),
  entry('information-gathering.social-engineering', 'Social engineering', 'Социальная инженерия', 'Tấn công phi kỹ thuật (social engineering)'),

  entry('intrusion-attempts', 'Intrusion attempts', 'Попытки вторжения', 'Nỗ lực xâm nhập'),
  entry('intrusion-attempts.ids-alert', 'Exploitation of known vulnerabilities', 'Эксплуатация известных уязвимостей', 'Khai thác lỗ hổng đã biết'),
  entry('intrusion-attempts.brute-force', 'Login attempts (password guessing)', 'Попытки входа (подбор паролей)', 'Thử đăng nhập trái phép (dò mật khẩu)'),
  entry('intrusion-attempts.exploit', 'New attack signature', 'Новая сигнатура атаки', 'Dấu hiệu tấn công mới'),

  entry('intrusions', 'Intrusions', 'Вторжения', 'Xâm nhập'),
  entry('intrusions.privileged-account-compromise', 'Privileged account compromise',
    'Компрометация привилегированной учётной записи', 'Xâm phạm tài khoản đặc quyền'),
  entry('intrusions.unprivileged-account-compromise', 'Unprivileged account compromise',
    'Компрометация непривилегированной учётной записи', 'Xâm phạm tài khoản không có đặc quyền'),
  entry('intrusions.application-compromise', 'Application compromise', 'Компрометация приложения', 'Xâm phạm ứng dụng'),
  entry('intrusions.system-compromise', 'System compromise', 'Компрометация системы', 'Xâm phạm hệ thống'),
  entry('intrusions.burglary', 'Burglary (physical intrusion)', 'Физическое проникновение', 'Đột nhập vật lý'),

  entry('availability', 'Availability', 'Доступность', 'Tính sẵn sàng'),
  entry('availability.dos', 'Denial of service (DoS)', 'Отказ в обслуживании (DoS)', 'Tấn công từ chối dịch vụ (DoS)'),
  entry('availability.ddos', 'Distributed denial of service (DDoS)', 'Распределённый отказ в обслуживании (DDoS)',
    'Tấn công từ chối dịch vụ phân tán (DDoS)'),
  entry('availability.misconfiguration', 'Misconfiguration', 'Ошибка конфигурации', 'Cấu hình sai'),
  entry('availability.sabotage', 'Sabotage', 'Диверсия', 'Phá hoại'),
  entry('availability.outage', 'Outage', 'Перебой в работе', 'Ngừng hoạt động'),

  entry('information-content-security', 'Information content security', 'Безопасность информации', 'An toàn nội dung thông tin'),
  entry('information-content-security.unauthorised-information-access', 'Unauthorised access to information',
    'Несанкционированный доступ к информации', 'Truy cập trái phép thông tin'),
  entry('information-content-security.unauthorised-information-modification', 'Unauthorised modification of information',
    'Несанкционированное изменение информации', 'Sửa đổi trái phép thông tin'),
  entry('information-content-security.data-loss', 'Data loss', 'Потеря данных', 'Mất dữ liệu'),
  entry('information-content-security.data-leak', 'Leak of confidential information', 'Утечка конфиденциальной информации',
    'Rò rỉ thông tin bí mật'),

  entry('fraud', 'Fraud', 'Мошенничество', 'Gian lận'),
  entry('fraud.unauthorized-use-of-resources', 'Unauthorised use of resources', 'Несанкционированное использование ресурсов',
    'Sử dụng trái phép tài nguyên'),
  entry('fraud.copyright', 'Copyright infringement', 'Нарушение авторских прав', 'Vi phạm bản quyền'),
  entry('fraud.masquerade', 'Masquerade (impersonation)', 'Выдача себя за другое лицо', 'Mạo danh'),
  entry('fraud.phishing', 'Phishing', 'Фишинг', 'Lừa đảo giả mạo (phishing)'),

  entry('vulnerable', 'Vulnerable', 'Уязвимость', 'Lỗ hổng'),
  entry('vulnerable.weak-crypto', 'Weak cryptography', 'Слабая криптография', 'Mã hóa yếu'),
  entry('vulnerable.ddos-amplifier', 'DDoS amplifier', 'Усилитель DDoS-атак', 'Nguồn khuếch đại tấn công DDoS'),
  entry('vulnerable.potentially-unwanted-accessible', 'Potentially unwanted accessible services',
    'Потенциально нежелательные общедоступные сервисы', 'Dịch vụ truy cập công khai có thể không mong muốn'),
  entry('vulnerable.information-disclosure', 'Information disclosure', 'Раскрытие информации', 'Lộ lọt thông tin'),
  entry('vulnerable.vulnerable-system', 'Vulnerable system', 'Уязвимая система', 'Hệ thống có lỗ hổng'),

  entry('other', 'Other', 'Прочее', 'Khác'),
  entry('other.other', 'Other (no fitting category)', 'Прочее (нет подходящей категории)', 'Khác (không thuộc loại nào)'),
  entry('other.undetermined', 'Undetermined', 'Не установлено', 'Chưa xác định'),

  entry('test', 'Test', 'Тест', 'Kiểm thử'),
  entry('test.test', 'Test (for testing only)', 'Тест (только для проверки)', 'Kiểm thử (chỉ dùng để thử nghiệm)'),

  entry('election', 'Elections', 'Выборы', 'Bầu cử'),
  entry('election.infrastructure-interference', 'Interference with election infrastructure',
    'Вмешательство в избирательную инфраструктуру', 'Can thiệp vào hạ tầng bầu cử'),
  entry('election.hack-and-leak', 'Theft and publication of election-related data',
    'Хищение и публикация данных, связанных с выборами', 'Đánh cắp và công bố dữ liệu liên quan đến bầu cử'),
];
